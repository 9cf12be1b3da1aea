import { describe, expect, it } from 'vitest';
import { EndpointError, redactUrl, resolveEndpoint } from '../src/sources/endpoint.js';
import { backoffMs } from '../src/commands/live.js';

const env = { OPENAI_API_KEY: 'sk-openai-secret', AZURE_OPENAI_API_KEY: 'az-secret-key' };

describe('live endpoints and credentials', () => {
  it('connects to OpenAI by default, with the model from --model, $RTEV_MODEL or gpt-realtime', () => {
    expect(resolveEndpoint({}, env).url).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime');
    expect(resolveEndpoint({ source: 'openai' }, { ...env, RTEV_MODEL: 'gpt-realtime-mini' }).url).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime-mini');
    expect(resolveEndpoint({ model: 'm1' }, env).url).toBe('wss://api.openai.com/v1/realtime?model=m1');
    expect(resolveEndpoint({ callId: 'rtc_123' }, env).url).toBe('wss://api.openai.com/v1/realtime?call_id=rtc_123');
  });

  it('sends the OpenAI key only to OpenAI, the $OPENAI_BASE_URL host and loopback; never the beta header', () => {
    expect(resolveEndpoint({}, env).headers).toEqual({ Authorization: 'Bearer sk-openai-secret' });
    const gw = { ...env, OPENAI_BASE_URL: 'https://gateway.example.test/v1' };
    expect(resolveEndpoint({}, gw).url).toBe('wss://gateway.example.test/v1/realtime?model=gpt-realtime');
    expect(resolveEndpoint({}, gw).headers.Authorization).toBe('Bearer sk-openai-secret');
    expect(resolveEndpoint({ source: 'ws://127.0.0.1:9/x' }, env).headers.Authorization).toBe('Bearer sk-openai-secret');
    expect(resolveEndpoint({ source: 'ws://localhost:9/x' }, env).headers.Authorization).toBe('Bearer sk-openai-secret');
    expect(resolveEndpoint({ source: 'wss://other.example.test/realtime' }, env).headers).toEqual({});
    expect(resolveEndpoint({ source: 'wss://other.example.test/realtime', headers: ['X-Token: abc123'] }, env).headers).toEqual({ 'X-Token': 'abc123' });
    for (const e of [resolveEndpoint({}, env), resolveEndpoint({ source: 'wss://x.openai.azure.com/openai/v1/realtime' }, env)]) {
      expect(Object.keys(e.headers).map((h) => h.toLowerCase())).not.toContain('openai-beta');
    }
  });

  it('sends the Azure key as api-key to Azure hosts only', () => {
    const az = resolveEndpoint({ source: 'wss://res.openai.azure.com/openai/v1/realtime?model=dep' }, env);
    expect(az.headers).toEqual({ 'api-key': 'az-secret-key' });
    expect(resolveEndpoint({ source: 'wss://res.cognitiveservices.azure.com/openai/v1/realtime' }, env).headers).toEqual({ 'api-key': 'az-secret-key' });
    expect(() => resolveEndpoint({ source: 'wss://res.openai.azure.com/openai/v1/realtime' }, {})).toThrow(EndpointError);
  });

  it('resolves live (GPT-Live), translate (Realtime Translation) and --attach under OpenAI or $OPENAI_BASE_URL, with the same key policy', () => {
    expect(resolveEndpoint({ source: 'live' }, { ...env, RTEV_MODEL: 'gpt-realtime-mini' }).url).toBe('wss://api.openai.com/v1/live/sessions');
    expect(resolveEndpoint({ source: 'live' }, env).headers).toEqual({ Authorization: 'Bearer sk-openai-secret' });
    expect(resolveEndpoint({ source: 'translate' }, env).url).toBe('wss://api.openai.com/v1/realtime/translations?model=gpt-realtime-translate');
    expect(resolveEndpoint({ source: 'translate', model: 'gpt-realtime-translate-2' }, env).url).toBe('wss://api.openai.com/v1/realtime/translations?model=gpt-realtime-translate-2');
    expect(resolveEndpoint({ attach: 'live_abc' }, env).url).toBe('wss://api.openai.com/v1/live/sessions/live_abc/attach');
    const gw = { ...env, OPENAI_BASE_URL: 'http://127.0.0.1:8080/v1' };
    expect(resolveEndpoint({ source: 'live', attach: 'live_1' }, gw).url).toBe('ws://127.0.0.1:8080/v1/live/sessions/live_1/attach');
    expect(resolveEndpoint({ source: 'ws://127.0.0.1:9/v1/live/sessions', attach: 'live_2' }, env).url).toBe('ws://127.0.0.1:9/v1/live/sessions/live_2/attach');
    expect(() => resolveEndpoint({ source: 'ws://127.0.0.1:9/v1/realtime', attach: 'live_2' }, env)).toThrow(/--attach needs a GPT-Live endpoint/);
    expect(() => resolveEndpoint({ source: 'live', attach: '../x' }, env)).toThrow(/not a session id/);
    expect(() => resolveEndpoint({ source: 'live' }, {})).toThrow(/OPENAI_API_KEY is not set/);
  });

  it('refuses to start without a key for OpenAI', () => {
    expect(() => resolveEndpoint({}, {})).toThrow(/OPENAI_API_KEY is not set/);
    expect(() => resolveEndpoint({ source: 'ftp://x' }, env)).toThrow(/not a live source/);
  });

  it('redacts secrets wherever a URL is shown', () => {
    expect(redactUrl('wss://res.openai.azure.com/openai/realtime?api-version=2025&api-key=abc&deployment=d')).toBe('wss://res.openai.azure.com/openai/realtime?api-version=2025&api-key=REDACTED&deployment=d');
    expect(redactUrl('wss://user:pw@h.test/x?key=k1')).toBe('wss://REDACTED@h.test/x?key=REDACTED');
    const e = resolveEndpoint({ source: 'wss://gw.example.test/rt?key=supersecret' }, env);
    expect(e.shown).not.toContain('supersecret');
    expect(e.secrets).toContain('supersecret');
  });

  it('backs off exponentially, capped at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(backoffMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
