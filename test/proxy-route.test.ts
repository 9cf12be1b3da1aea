// The proxy's pure parts: where a request goes, which headers and keys go with it, and which close codes.
import { describe, expect, it } from 'vitest';
import { wireCode } from '../src/proxy/bridge.js';
import { endToEnd, planRequest, shownProtocol } from '../src/proxy/headers.js';
import { planStartup } from '../src/proxy/plan.js';
import {
  callIdFromLocation, isCallsRequest, parseUpstream, protocolOf, shownTarget, sidebandUrl, upstreamHttpUrl, upstreamWsUrl, UpstreamError,
} from '../src/proxy/route.js';

const env = { OPENAI_API_KEY: 'sk-rtev-own-key-000', AZURE_OPENAI_API_KEY: 'az-rtev-own-key-000' };

describe('where a connection goes', () => {
  it('PATH?QUERY goes to the upstream origin under its own path, queries merged with the app winning', () => {
    const openai = parseUpstream(undefined);
    expect(openai.shown).toBe('wss://api.openai.com');
    expect(upstreamWsUrl(openai, '/v1/realtime?model=gpt-realtime')).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime');
    expect(upstreamHttpUrl(openai, '/v1/realtime/calls')).toBe('https://api.openai.com/v1/realtime/calls');
    const azure = parseUpstream('https://res.openai.azure.com/openai?api-version=2025-08-28&deployment=a');
    expect(upstreamWsUrl(azure, '/v1/realtime?deployment=b&x=%20y')).toBe('wss://res.openai.azure.com/openai/v1/realtime?api-version=2025-08-28&deployment=b&x=%20y');
    expect(upstreamWsUrl(parseUpstream('ws://127.0.0.1:9/base/'), '/v1/realtime')).toBe('ws://127.0.0.1:9/base/v1/realtime');
    // An absolute-form target (a client that treats rtev as a forward proxy) keeps only its path.
    expect(upstreamWsUrl(openai, 'http://127.0.0.1:8787/v1/realtime?model=m')).toBe('wss://api.openai.com/v1/realtime?model=m');
  });

  it('refuses an UPSTREAM that is not a ws, wss, http or https URL, with any key redacted', () => {
    expect(() => parseUpstream('ftp://x')).toThrow(UpstreamError);
    expect(() => parseUpstream('api.openai.com?api-key=abcdef123')).toThrow(/REDACTED/);
    expect(parseUpstream('wss://res.openai.azure.com/openai?api-key=abcdef123').shown).toBe('wss://res.openai.azure.com/openai?api-key=REDACTED');
  });

  it('shows targets with key parameters redacted', () => {
    expect(shownTarget('/v1/realtime?model=m&api-key=secret-123')).toBe('/v1/realtime?model=m&api-key=REDACTED');
    expect(shownTarget('/v1/realtime')).toBe('/v1/realtime');
  });

  it('knows the protocol from the path', () => {
    expect(protocolOf('/v1/realtime?model=m')).toBe('realtime');
    expect(protocolOf('/openai/v1/realtime')).toBe('realtime');
    expect(protocolOf('/v1/realtime/translations?model=gpt-realtime-translate')).toBe('translation');
    expect(protocolOf('/v1/live/sessions')).toBe('live');
    expect(protocolOf('/v1/live/sessions/sess_1/attach')).toBe('live');
    expect(protocolOf('/v1/other')).toBeNull();
  });

  it('finds the call of a WebRTC POST …/realtime/calls and its sideband URL', () => {
    expect(isCallsRequest('POST', '/v1/realtime/calls')).toBe(true);
    expect(isCallsRequest('POST', '/v1/realtime/calls?x=1')).toBe(true);
    expect(isCallsRequest('GET', '/v1/realtime/calls')).toBe(false);
    expect(isCallsRequest('POST', '/v1/realtime/calls/rtc_1/hangup')).toBe(false);
    expect(callIdFromLocation('/v1/realtime/calls/rtc_123456')).toBe('rtc_123456');
    expect(callIdFromLocation('https://api.openai.com/v1/realtime/calls/rtc_9?x=1')).toBe('rtc_9');
    expect(callIdFromLocation('/v1/realtime/calls/')).toBeNull();
    expect(callIdFromLocation(undefined)).toBeNull();
    const azure = parseUpstream('https://res.openai.azure.com/openai?api-version=v');
    expect(sidebandUrl(azure, '/v1/realtime/calls?x=1', 'rtc_1')).toBe('wss://res.openai.azure.com/openai/v1/realtime?api-version=v&call_id=rtc_1');
  });
});

describe('headers and credentials', () => {
  const base = { env, extra: [] as [string, string][], websocket: true };

  it("passes the app's headers on, minus hop-by-hop ones and each hop's handshake", () => {
    const h = endToEnd([['Host', 'x'], ['Connection', 'Upgrade, X-Drop'], ['X-Drop', '1'], ['Upgrade', 'websocket'], ['Sec-WebSocket-Key', 'k'],
      ['Sec-WebSocket-Protocol', 'realtime'], ['X-Keep', 'yes'], ['Origin', 'http://page']], true);
    expect(h).toEqual([['X-Keep', 'yes'], ['Origin', 'http://page']]);
  });

  it("keeps the app's own Authorization or api-key, and adds rtev's only when there is none, by host policy", () => {
    const own = planRequest([['Authorization', 'Bearer sk-app-key-111']], { ...base, upstreamHost: 'api.openai.com' });
    expect(own.headers).toEqual([['Authorization', 'Bearer sk-app-key-111']]);
    expect(own.added).toBeNull();
    expect(own.secrets).toEqual(['Bearer sk-app-key-111', 'sk-app-key-111']);
    const added = planRequest([], { ...base, upstreamHost: 'api.openai.com' });
    expect(added.headers).toEqual([['Authorization', 'Bearer sk-rtev-own-key-000']]);
    expect(added.secrets).toContain('sk-rtev-own-key-000');
    expect(planRequest([], { ...base, upstreamHost: '127.0.0.1' }).added).toBe('Authorization');
    expect(planRequest([], { ...base, upstreamHost: 'res.openai.azure.com' }).headers).toEqual([['api-key', 'az-rtev-own-key-000']]);
    expect(planRequest([['api-key', 'az-app-key-1']], { ...base, upstreamHost: 'res.openai.azure.com' }).headers).toEqual([['api-key', 'az-app-key-1']]);
    expect(planRequest([], { ...base, upstreamHost: 'gateway.example.test' }).headers).toEqual([]);
    const extra = planRequest([['X-Token', 'app']], { ...base, upstreamHost: 'gateway.example.test', extra: [['X-Token', 'flag'], ['Authorization', 'Bearer tok-flag-1']] });
    expect(extra.headers).toEqual([['X-Token', 'app'], ['Authorization', 'Bearer tok-flag-1']]);
  });

  it("collects a browser's key from its subprotocol, and a key parameter from the query, to scrub them", () => {
    const p = planRequest([], { ...base, upstreamHost: 'gateway.example.test', subprotocols: ['realtime', 'openai-insecure-api-key.ek_browser_1'], query: 'model=m&api-key=q-key-1' });
    expect(p.secrets).toEqual(['ek_browser_1', 'q-key-1']);
    expect(shownProtocol('openai-insecure-api-key.ek_browser_1')).toBe('openai-insecure-api-key.REDACTED');
    expect(shownProtocol('realtime')).toBe('realtime');
  });

  it('warns at start when the upstream gets no key by policy, or when its key is offered beyond loopback', () => {
    expect(planStartup(undefined, [], {}).warnings).toEqual(["OPENAI_API_KEY is not set: apps must send their own key (Authorization, api-key, or a browser's subprotocol)"]);
    expect(planStartup(undefined, [], env).warnings).toEqual([]);
    expect(planStartup('wss://gateway.example.test', [], {}).warnings).toEqual([]);
    expect(planStartup(undefined, ['Authorization: Bearer x'], {}).warnings).toEqual([]);
    expect(planStartup(undefined, [], env, '0.0.0.0').warnings).toEqual(['listening on 0.0.0.0: whoever can reach it gets their requests sent upstream with your key']);
    expect(planStartup(undefined, [], {}, '0.0.0.0').warnings).toHaveLength(1);
    expect(() => planStartup(undefined, ['no colon'], {})).toThrow(/expected "Name: value"/);
  });
});

describe('close codes', () => {
  it('passes codes on unchanged, except those that may not be sent: 1005 → 1000, 1006 and 1015 → 1011', () => {
    expect([1000, 1001, 1011, 3000, 4000, 4999].map(wireCode)).toEqual([1000, 1001, 1011, 3000, 4000, 4999]);
    expect([1005, 1006, 1015, 1004, 2000].map(wireCode)).toEqual([1000, 1011, 1011, 1011, 1011]);
  });
});
