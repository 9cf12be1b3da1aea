// Secrets in every form: the scrubber as a unit, the endpoint's policy, and live sessions against a real
// server on loopback that echoes keys back in the forms a hostile run found leaking.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { EndpointError, redactUrl, resolveEndpoint } from '../src/sources/endpoint.js';
import { Scrubber, scrubBytes, scrubText, userInfoSecrets } from '../src/sources/secrets.js';
import { BIN, rtevProcess, tmp, type Result } from './helpers.js';

const KEY = 'sk-test-key-0123456789/ab';
const PASS = 'sk-pass-9876543210';

/** The key with the characters at these positions as JSON \u escapes (hex in the given case). */
const jsonEscaped = (s: string, at: (i: number) => boolean, upper = false) =>
  [...s].map((c, i) => (at(i) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('').replace(/\\u00([0-9a-f]{2})/g, (m, h) => (upper ? `\\u00${h.toUpperCase()}` : m));
const percent = (s: string, at: (i: number) => boolean, upper = true) =>
  [...s].map((c, i) => (at(i) ? `%${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('').replace(/%([0-9a-f]{2})/g, (_, h) => `%${upper ? h.toUpperCase() : h}`);

/** Every form of a secret that must never survive. */
const forms = (s: string) => [
  s, jsonEscaped(s, () => true), jsonEscaped(s, (i) => s[i] === '-', true), jsonEscaped(s, (i) => i % 2 === 0),
  percent(s, () => true), percent(s, (i) => s[i] === '-' || s[i] === '/'), percent(s, (i) => i % 3 === 0, false),
  s.replace(/\//g, '\\/'),
];

describe('the scrubber', () => {
  it('replaces a key literal, JSON-escaped, percent-encoded and mixed, in either hex case', () => {
    for (const form of forms(KEY)) {
      expect(scrubText(`before ${form} after`, [KEY]), form).toBe('before REDACTED after');
    }
    const mixed = jsonEscaped(KEY, (i) => i === 1).replace('-', '%2d');
    expect(scrubText(`"${mixed}"`, [KEY])).toBe('"REDACTED"');
  });

  it('replaces a key JSON-escaped twice (JSON inside a JSON string), as the hostile run found in a replayed capture', () => {
    const twice = JSON.stringify(JSON.stringify({ m: KEY.replace(/-/g, '\\u002d') }));
    expect(scrubText(`{"arguments":${twice}}`, [KEY])).not.toContain('0123456789');
    expect(scrubText('key sk\\\\\\u002dproj', ['sk-proj'])).toBe('key REDACTED');
  });

  it('works on bytes: a binary frame keeps every other byte, and an untouched frame is the same buffer', () => {
    const bin = Buffer.concat([Buffer.from([0xff, 0x00, 0xc3]), Buffer.from(KEY), Buffer.from([0x80, 0xfe])]);
    expect(scrubBytes(bin, [KEY])).toEqual(Buffer.concat([Buffer.from([0xff, 0x00, 0xc3]), Buffer.from('REDACTED'), Buffer.from([0x80, 0xfe])]));
    const audio = Buffer.from(JSON.stringify({ type: 'response.output_audio.delta', delta: 'QUJD'.repeat(1000) }));
    expect(scrubBytes(audio, [KEY])).toBe(audio);
    const text = Buffer.from('{"text":"a \\n b %"}');
    expect(scrubBytes(text, [KEY])).toBe(text);
  });

  it('leaves secrets under 4 characters alone, and knows the credentials of a URL user info', () => {
    expect(new Scrubber(['abc']).text('abc')).toBe('abc');
    expect(userInfoSecrets(new URL(`wss://user:${PASS}@h/x`))).toEqual([PASS, Buffer.from(`user:${PASS}`).toString('base64')]);
    expect(userInfoSecrets(new URL('wss://tok%2Den@h/x'))[0]).toBe('tok-en');
    expect(userInfoSecrets(new URL('wss://h/x'))).toEqual([]);
  });
});

describe('the endpoint: where a key may go', () => {
  it('a URL that does not parse is shown without its user info or key parameters, nor a key in its fragment', () => {
    const cases: [string, string][] = [
      ['wss://me:sk-proj-SECRET@api.openai.com:4433333/v1/realtime', 'wss://REDACTED@api.openai.com:4433333/v1/realtime'],
      ['wss://h:4433333/x?client_secret=ek_SECRET&model=m', 'wss://h:4433333/x?client_secret=REDACTED&model=m'],
      ['wss://h:4433333/x?access_token=ek_SECRET', 'wss://h:4433333/x?access_token=REDACTED'],
      ['ws://127.0.0.1:9/x#api_key=sk-SECRET', 'ws://127.0.0.1:9/x#api_key=REDACTED'],
    ];
    for (const [url, shown] of cases) expect(redactUrl(url), url).toBe(shown);
  });

  it('scrubs a URL password and says a key is on the command line', () => {
    const ep = resolveEndpoint({ source: `wss://user:${PASS}@gw.example.test/v1/realtime` }, {});
    expect(ep.secrets).toContain(PASS);
    expect(ep.shown).toBe('wss://REDACTED@gw.example.test/v1/realtime');
    expect(ep.keyOnCommandLine).toBe(true);
    expect(resolveEndpoint({ source: 'wss://gw.example.test/v1/realtime?api_key=sk-abcdef' }, {}).keyOnCommandLine).toBe(true);
    expect(resolveEndpoint({ source: 'wss://gw.example.test/v1/realtime?model=m' }, {}).keyOnCommandLine).toBe(false);
    expect(resolveEndpoint({}, { OPENAI_API_KEY: KEY }).keyOnCommandLine).toBe(false);
  });

  it('refuses plain ws:// to a host that is not loopback when it would carry a key, unless --insecure', () => {
    const cases: [string, object, string[]?][] = [
      ['ws://gw.example.test/v1/realtime', {}, ['Authorization: Bearer sk-abcdef']],
      ['ws://gw.example.test/v1/realtime?api_key=sk-abcdef', {}],
      [`ws://user:${PASS}@gw.example.test/v1/realtime`, {}],
      ['openai', { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'http://10.1.2.3:8080/v1' }],
    ];
    for (const [source, env, headers] of cases) {
      expect(() => resolveEndpoint({ source, headers }, env as NodeJS.ProcessEnv), source).toThrow(EndpointError);
      expect(() => resolveEndpoint({ source, headers }, env as NodeJS.ProcessEnv)).toThrow(/plain ws:\/\/ to (gw\.example\.test|10\.1\.2\.3) would send the key unencrypted.*--insecure/);
      expect(resolveEndpoint({ source, headers, insecure: true }, env as NodeJS.ProcessEnv).url).toMatch(/^ws:/);
    }
    expect(resolveEndpoint({ source: 'ws://gw.example.test/v1/realtime' }, { OPENAI_API_KEY: KEY }).headers).toEqual({});
    expect(resolveEndpoint({ source: 'ws://127.0.0.1:9/v1/realtime' }, { OPENAI_API_KEY: KEY }).headers.Authorization).toBe(`Bearer ${KEY}`);
  });

  it('refuses a header whose name is not a token or whose value holds CR, LF, ESC or another control character', () => {
    for (const h of ['Bad Name: x', 'X-A\r\nInjected: 1', '(x): 1', 'X-É: 1']) {
      expect(() => resolveEndpoint({ source: 'wss://gw.example.test/x', headers: [h] }, {}), JSON.stringify(h)).toThrow(/not a valid header name/);
    }
    for (const v of ['a\rb', 'a\nb', 'a\x1b[31mb', 'a\x00', 'a\x7f', 'snow ☃']) {
      expect(() => resolveEndpoint({ source: 'wss://gw.example.test/x', headers: [`X-Key: ${v}`] }, {}), JSON.stringify(v)).toThrow(/^--header X-Key: the value holds a control character/);
    }
    expect(resolveEndpoint({ source: 'wss://gw.example.test/x', headers: ['X-Key: a\tb'] }, {}).headers).toEqual({ 'X-Key': 'a\tb' });
  });
});

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => { for (const c of s.clients) c.terminate(); s.close(() => r()); })));
});

describe('live sessions: no form of a key reaches stdout, stderr or the recording', () => {
  it('a server echoing the key and the URL password, escaped, percent-encoded and inside binary frames', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(wss);
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const auths: string[] = [];
    wss.on('connection', (ws, req) => {
      // With $OPENAI_API_KEY the client sends it as a Bearer token; without, the URL's user info as Basic.
      const auth = req.headers.authorization ?? '';
      auths.push(auth);
      const echo = (s: string) => ws.send(JSON.stringify({ type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'x', message: `got ${s}` } }).replace(/\\\\/g, '\\'));
      for (const f of [...forms(KEY), ...forms(PASS)]) echo(f);
      echo(auth);
      ws.send(JSON.stringify({ type: 'x.unknown', url: `wss://user:${percent(PASS, () => true)}@127.0.0.1/x` }));
      ws.send(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(KEY), Buffer.from(jsonEscaped(PASS, () => true)), Buffer.from([0x80])]), { binary: true });
      ws.send(`not json: ${jsonEscaped(KEY, (i) => i === 2)}`);
      ws.close(1008, `bad key ${percent(KEY, () => true)}`);
    });
    const port = (wss.address() as { port: number }).port;
    const dir = tmp();
    const file = join(dir, 'k.jsonl');
    const url = `ws://user:${PASS}@127.0.0.1:${port}/v1/realtime`;
    const runs: Result[] = [];
    const recs: string[] = [];
    for (const [key, extra] of [[KEY, ['--wide', '--time', 'none']], ['', ['--json']]] as const) {
      runs.push(await new Promise<Result>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'tail', url, '--record', file, '--force', ...extra], { env: { PATH: process.env.PATH ?? '', OPENAI_API_KEY: key } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c) => { stdout += c; });
        child.stderr.on('data', (c) => { stderr += c; });
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      }));
      recs.push(readFileSync(file, 'utf8'));
    }
    expect(auths).toEqual([`Bearer ${KEY}`, `Basic ${Buffer.from(`user:${PASS}`).toString('base64')}`]);
    const rec = recs.join('');
    const decoded = rec.trimEnd().split('\n').map((l) => {
      const o = JSON.parse(l);
      return JSON.stringify(o) + (o.binary ? Buffer.from(o.binary, 'base64').toString('latin1') : '');
    }).join('\n');
    const shown = runs[0]!;
    expect(shown.stdout).toContain('got REDACTED');
    expect(shown.stdout.match(/REDACTED/g)!.length).toBeGreaterThanOrEqual(forms(KEY).length * 2);
    expect(shown.stderr).toMatch(/the server closed the connection with 1008 \(policy violation\): bad key REDACTED/);
    expect(shown.stderr.match(/warning: the key in the URL is on the command line/g)).toHaveLength(1);
    for (const out of [rec, decoded, ...runs.flatMap((r) => [r.stdout, r.stderr])]) {
      for (const f of [...forms(PASS), auths[1]!.slice(6)]) expect(out, f).not.toContain(f);
    }
    // The key is scrubbed where it is the key: the first run's.
    for (const out of [recs[0]!, runs[0]!.stdout, runs[0]!.stderr]) for (const f of forms(KEY)) expect(out, f).not.toContain(f);
    expect(rec).toContain('"source":"ws://REDACTED@127.0.0.1:');
  });

  it('plain ws:// to another host with a key is a usage error before connecting; a URL key warns once', async () => {
    const r = await rtevProcess(['tail', 'ws://gw.example.test/v1/realtime', '--header', `Authorization: Bearer ${KEY}`, '--no-record']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rtev: ws://gw.example.test/v1/realtime: plain ws:// to gw.example.test would send the key unencrypted, readable on the network; use wss://, or --insecure to send it anyway\n');
    const base = await rtevProcess(['record'], { env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: 'http://10.1.2.3:8080/v1' } });
    expect(base.code).toBe(2);
    expect(base.stderr).toMatch(/^rtev: ws:\/\/10\.1\.2\.3:8080\/v1\/realtime\?model=gpt-realtime: plain ws:\/\/ to 10\.1\.2\.3 would send the key/);
    for (const x of [r, base]) expect(x.stderr).not.toContain(KEY);
  });
});
