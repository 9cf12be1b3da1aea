// rtev proxy as the real CLI, between real ws clients (the "apps") and real ws servers (the upstreams) on
// 127.0.0.1, all on port 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { BIN, ROOT, rtev, rtevProcess, tmp, type Result } from './helpers.js';
import { liveHarness } from './server.js';

const KEY = 'sk-rtev-key-0123456789';
const APP_KEY = 'sk-app-own-key-9876543210';
const BROWSER_KEY = 'ek_browser_key_5555555555';
const ev = (type: string, extra: object = {}) => JSON.stringify({ type, event_id: `event_${type}`, ...extra });

const { serve, track } = liveHarness();

interface Proxy {
  url: string;
  http: string;
  child: ChildProcess;
  done: Promise<Result>;
  out(): string;
  err(): string;
}

/** Start `rtev proxy UPSTREAM --port 0` and read the listening URL from its first line on stderr. */
async function startProxy(args: string[], env: Record<string, string> = { OPENAI_API_KEY: KEY }, cwd = tmp()): Promise<Proxy> {
  const child = spawn(process.execPath, [BIN, 'proxy', ...args, '--port', '0'], { cwd, env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env } });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => { stdout += c; });
  child.stderr.on('data', (c) => { stderr += c; });
  const done = new Promise<Result>((r) => child.on('close', (code, sig) => r({ code: code ?? (sig === 'SIGKILL' ? 137 : -1), stdout, stderr })));
  await until(() => stderr.includes('\n') || child.exitCode !== null);
  const m = /^rtev: proxy (ws:\/\/127\.0\.0\.1:\d+) → /.exec(stderr);
  if (!m) throw new Error(`the proxy did not start: ${stderr}`);
  return { url: m[1]!, http: m[1]!.replace('ws:', 'http:'), child, done, out: () => stdout, err: () => stderr };
}

async function until(cond: () => boolean, ms = 8000, every = 10): Promise<void> {
  const t0 = Date.now();
  const ok = () => { try { return cond(); } catch { return false; } };
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, every));
  }
}

/** An app: a ws client that keeps every message it gets, and how it closed. */
function app(url: string, protocols: string[] = [], headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, protocols, { headers });
  const got: { data: Buffer; isBinary: boolean }[] = [];
  ws.on('message', (data, isBinary) => got.push({ data: data as Buffer, isBinary }));
  const opened = new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
  return { ws, got, opened, closed };
}

const recordings = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort((a, b) => Number(/_(\d+)\.jsonl$/.exec(a)![1]) - Number(/_(\d+)\.jsonl$/.exec(b)![1])).map((f) => join(dir, f));
const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');
const parsed = (file: string) => lines(file).map((l) => JSON.parse(l));
const allText = (dir: string) => recordings(dir).map((f) => readFileSync(f, 'utf8')).join('');

async function stop(p: Proxy, sig: 'SIGINT' | 'SIGTERM' = 'SIGINT'): Promise<Result> {
  p.child.kill(sig);
  return p.done;
}

describe('rtev proxy: fidelity', () => {
  it('forwards JSON, non-JSON text and binary frames byte for byte and in order, both ways, and records each with its dir', async () => {
    const fromServer: (string | Buffer)[] = [
      ev('session.created', { session: { model: 'gpt-realtime' } }),
      '{ "type" : "response.output_text.delta",\n  "delta":"h\\u00e9llo", "response_id":"r1", "item_id":"i1" }',
      'plain text, not json',
      Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]),
      ev('response.done', { response: { id: 'r1', status: 'completed' } }),
    ];
    const fromApp: (string | Buffer)[] = [
      '{"type":"session.update","session":{"instructions":"é ☃ \\u0041"}}',
      'not json from the app',
      Buffer.from([9, 8, 7, 0, 0xc3]),
      ev('response.create'),
    ];
    const srv = await serve({ frames: fromServer, close: 'stay' });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir, '--time', 'none']);
    const a = app(`${p.url}/v1/realtime?model=gpt-realtime`);
    await a.opened;
    await until(() => a.got.length === fromServer.length);
    for (const f of fromApp) a.ws.send(f, { binary: Buffer.isBuffer(f) });
    await until(() => srv.raw.length === fromApp.length);

    const same = (got: { data: Buffer; isBinary: boolean }[], sent: (string | Buffer)[]) => {
      expect(got.map((g) => g.isBinary)).toEqual(sent.map((s) => Buffer.isBuffer(s)));
      got.forEach((g, i) => expect(g.data.equals(Buffer.from(sent[i]!))).toBe(true));
    };
    same(a.got, fromServer);
    same(srv.raw, fromApp);
    expect(srv.paths[0]).toBe('/v1/realtime?model=gpt-realtime');

    a.ws.close(1000);
    expect(await a.closed).toEqual({ code: 1000, reason: '' });
    await until(() => p.err().includes('[1] closed'));
    const r = await stop(p);
    expect(r.code).toBe(130);
    const [file] = recordings(dir);
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const recs = parsed(file!);
    expect(recs[0]).toMatchObject({ dir: 'meta', rtev: { command: 'proxy', connection: 1, path: '/v1/realtime?model=gpt-realtime', source: `ws://127.0.0.1:${srv.port}/v1/realtime?model=gpt-realtime`, protocol: 'realtime' } });
    expect(recs.at(-1)).toMatchObject({ dir: 'meta', rtev: { end: 'closed', by: 'app', code: 1000, frames: 9 } });
    const frames = recs.slice(1, -1);
    expect(frames.map((f) => f.dir)).toEqual([...fromServer.map(() => 'server'), ...fromApp.map(() => 'client')]);
    const raw = lines(file!).slice(1, -1);
    expect(raw[0]!.endsWith(`"event":${fromServer[0]}}`)).toBe(true); // spliced verbatim
    expect(raw[1]!.endsWith(`"event":${(fromServer[1] as string).replace('\n', ' ')}}`)).toBe(true); // only the raw newline became a space
    expect(frames[2].text).toBe('plain text, not json');
    expect(frames[3].binary).toBe((fromServer[3] as Buffer).toString('base64'));
    expect(frames[5].event).toEqual(JSON.parse(fromApp[0] as string));
    expect(frames[6].text).toBe('not json from the app');
    expect(frames[7].binary).toBe((fromApp[2] as Buffer).toString('base64'));
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '↓ session.created                          gpt-realtime',
      '↓ response.output_text.delta               r1 i1 "héllo"',
      '↓ (text)                                   text frame "plain text, not json"',
      '↓ (binary)                                 binary frame, 6 B',
      '↓ response.done                            r1 completed',
      // A session.update is shown as what it asks to change (the turn model's config tracking).
      '↑ session.update                           asks instructions="é ☃ A"',
      '↑ (text)                                   text frame "not json from the app"',
      '↑ (binary)                                 binary frame, 5 B',
      '↑ response.create',
    ]);
    expect(r.stderr).toMatch(/\[1\] closed by the app with 1000 \(normal close\); 9 frames, .* in /);
    expect(r.stderr).toMatch(/rtev: proxy stopped \(SIGINT\): 1 connection, 9 frames, .*; 1 recording in /);
  });

  it('negotiates the subprotocol end to end and redacts a browser key offered in one', async () => {
    const srv = await serve({
      frames: [ev('session.created', { session: {} })], close: 'stay', protocol: (offered) => (offered.includes('realtime') ? 'realtime' : false),
      // A server that echoes what it was offered: the key reaches the app, but not the recording or the screen.
      onConnection: (ws, req) => ws.send(ev('error', { error: { message: `offered ${req.headers['sec-websocket-protocol']}` } })),
    });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir]);
    const a = app(`${p.url}/v1/realtime?model=m`, ['realtime', `openai-insecure-api-key.${BROWSER_KEY}`]);
    await a.opened;
    expect(a.ws.protocol).toBe('realtime');
    await until(() => a.got.length === 2);
    expect(a.got[0]!.data.toString()).toContain(BROWSER_KEY);
    expect(srv.headers[0]!['sec-websocket-protocol']).toBe(`realtime,openai-insecure-api-key.${BROWSER_KEY}`);
    // The upstream takes none of the app's offer: the app sees that, as it would connecting directly (a
    // browser accepts it; the ws client refuses it).
    const refusal = (url: string) => new Promise<string>((r) => new WebSocket(url, ['other']).on('error', (e) => r(e.message)));
    expect(await refusal(`${p.url}/v1/realtime?model=m`)).toBe(await refusal(srv.url));
    a.ws.close();
    await until(() => (p.err().match(/closed by/g) ?? []).length === 2);
    const r = await stop(p);
    const [fa, fb] = recordings(dir);
    expect(parsed(fa!)[0].rtev).toMatchObject({ subprotocol: 'realtime', offered: ['realtime', 'openai-insecure-api-key.REDACTED'] });
    expect(parsed(fb!)[0].rtev).toMatchObject({ subprotocol: null, offered: ['other'] });
    expect(r.stderr).toContain('[1] /v1/realtime?model=m (subprotocol realtime) → ');
    expect(allText(dir)).toContain('offered realtime,openai-insecure-api-key.REDACTED');
    for (const out of [r.stdout, r.stderr, allText(dir)]) expect(out).not.toContain(BROWSER_KEY);
    // Two connections seen: display lines carry their connection's label.
    expect(r.stdout).toMatch(/^\[2\] \d\d:\d\d:\d\d\.\d{3} ↓ session\.created/m);
  });

  it("mirrors closes: the upstream's 4000 and reason reach the app; the app's close reaches the upstream; a lost upstream reaches the app as 1011", async () => {
    const srv = await serve({ frames: [ev('error', { error: { code: 'invalid_model' } })], close: { code: 4000, reason: 'invalid_request_error.invalid_model' } });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir, '--quiet']);
    const a = app(`${p.url}/v1/realtime`);
    expect(await a.closed).toEqual({ code: 4000, reason: 'invalid_request_error.invalid_model' });
    expect(a.got).toHaveLength(1);

    const stay = await serve({ frames: [], close: 'stay' });
    const p2 = await startProxy([`ws://127.0.0.1:${stay.port}`, '--dir', dir, '--quiet']);
    const b = app(`${p2.url}/v1/realtime`);
    await b.opened;
    b.ws.close(4001, 'the app is done');
    await until(() => stay.closes.length === 1);
    expect(stay.closes[0]).toEqual({ code: 4001, reason: 'the app is done' });

    const c = app(`${p2.url}/v1/realtime`);
    await c.opened;
    await until(() => stay.clients() === 1);
    await stay.stop(); // terminates its sockets: no close frame (1006)
    expect(await c.closed).toEqual({ code: 1011, reason: '' });
    await until(() => (p2.err().match(/closed by/g) ?? []).length === 2);
    const r2 = await stop(p2, 'SIGTERM');
    expect(r2.code).toBe(143);
    expect(r2.stdout).toBe('');
    expect(r2.stderr).toMatch(/\[2\] closed by the upstream with 1006 \(connection lost\), passed on as 1011; 0 frames/);
    const r = await stop(p);
    expect(r.stderr).toMatch(/\[1\] closed by the upstream with 4000 \(request shape \(model, URL or headers\)\): invalid_request_error\.invalid_model; 1 frame/);
  });

  it('refuses the app with the upstream\'s own status and body (401), and with 502 when the upstream cannot be reached', async () => {
    const srv = await serve({ reject: 401, rejectBody: '{"error":{"code":"invalid_api_key"}}' });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir]);
    const refusal = await new Promise<{ status: number; body: string; type: string }>((resolve) => {
      const ws = new WebSocket(`${p.url}/v1/realtime`);
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode!, body, type: String(res.headers['content-type']) }));
      });
    });
    expect(refusal).toEqual({ status: 401, body: '{"error":{"code":"invalid_api_key"}}', type: 'text/html' });
    const port = srv.port;
    await srv.stop();
    const p2 = await startProxy([`ws://127.0.0.1:${port}`, '--dir', dir]);
    const down = await new Promise<number>((resolve) => new WebSocket(`${p2.url}/v1/realtime`).on('unexpected-response', (_q, res) => resolve(res.statusCode!)));
    expect(down).toBe(502);
    const [r, r2] = [await stop(p), await stop(p2)];
    expect(r.stderr.split('\n')[1]).toBe('rtev: [1] /v1/realtime: refused by the upstream: HTTP 401 Unauthorized (the app got HTTP 401)');
    expect(r2.stderr.split('\n')[1]).toBe(`rtev: [1] /v1/realtime: connection refused by 127.0.0.1 (the app got HTTP 502)`);
    expect(readdirSync(dir)).toEqual([]); // nothing opened, nothing recorded
  });
});

describe('rtev proxy: credentials', () => {
  it("never shows a key that the upstream's status text echoes (a refused upgrade, a plain request)", async () => {
    // An upstream that refuses everything, echoing the credential it got in its status text.
    const upstream = createServer((req, res) => { res.writeHead(401, `Incorrect API key ${String(req.headers.authorization).slice(7)}`); res.end('{}'); });
    upstream.on('upgrade', (req, socket) => socket.end(`HTTP/1.1 401 Incorrect API key ${String(req.headers.authorization).slice(7)}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    try {
      const p = await startProxy([`ws://127.0.0.1:${(upstream.address() as { port: number }).port}`, '--no-record']);
      await new Promise<void>((resolve) => new WebSocket(`${p.url}/v1/realtime`).on('unexpected-response', () => resolve()).on('error', () => resolve()));
      await fetch(`${p.http}/v1/realtime/client_secrets`, { method: 'POST', headers: { authorization: `Bearer ${BROWSER_KEY}` } });
      await fetch(`${p.http}/v1/models`);
      const r = await stop(p);
      expect(r.stderr).toContain('refused by the upstream: HTTP 401 Incorrect API key REDACTED');
      expect(r.stderr).toContain('POST /v1/realtime/client_secrets → 401 Incorrect API key REDACTED');
      for (const k of [KEY, BROWSER_KEY]) expect(r.stderr + r.stdout).not.toContain(k);
    } finally {
      upstream.close();
    }
  });

  it("passes the app's own Authorization unchanged; adds Bearer $OPENAI_API_KEY to a loopback upstream when the app sends none; no key is written anywhere", async () => {
    // The upstream echoes the key it got, as a real server's error message might.
    const srv = await serve({
      close: 'stay',
      onConnection: (ws, req) => ws.send(ev('error', { error: { message: `Incorrect API key provided: ${req.headers.authorization}` } })),
    });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}/base?api-version=1`, '--dir', dir, '--wide']);
    const own = app(`${p.url}/v1/realtime?model=m`, [], { Authorization: `Bearer ${APP_KEY}`, 'X-App': 'kept' });
    await own.opened;
    const none = app(`${p.url}/v1/realtime?model=m&api-version=2`);
    await none.opened;
    await until(() => own.got.length === 1 && none.got.length === 1);
    expect(srv.headers[0]!.authorization).toBe(`Bearer ${APP_KEY}`);
    expect(srv.headers[0]!['x-app']).toBe('kept');
    expect(srv.headers[1]!.authorization).toBe(`Bearer ${KEY}`);
    expect(srv.paths).toEqual(['/base/v1/realtime?api-version=1&model=m', '/base/v1/realtime?model=m&api-version=2']);
    // The app gets the frame unchanged; the recording and the screen get it scrubbed.
    expect(own.got[0]!.data.toString()).toContain(APP_KEY);
    expect(readFileSync(`/proc/${p.child.pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()).toBe('rtev proxy');
    own.ws.close();
    none.ws.close();
    await until(() => (p.err().match(/closed by/g) ?? []).length === 2);
    const r = await stop(p);
    expect(allText(dir).match(/Incorrect API key provided: REDACTED"/g)).toHaveLength(2); // the app's key and rtev's
    for (const out of [r.stdout, r.stderr, allText(dir)]) {
      expect(out).not.toContain(APP_KEY);
      expect(out).not.toContain(KEY);
    }
    expect(r.stdout).toContain('Incorrect API key provided: REDACTED');
  });
});

describe('rtev proxy: many sessions, slow readers, stopping', () => {
  it('holds 50 concurrent connections, each recorded to its own file; one app killed mid-session leaves the others untouched', async () => {
    const srv = await serve({ echo: true, close: 'stay' });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir, '--quiet']);
    // The app that will be killed: a process of its own, holding its connection open.
    const victim = spawn(process.execPath, ['-e', `
      const { WebSocket } = require(${JSON.stringify(join(ROOT, 'node_modules', 'ws'))});
      const ws = new WebSocket(${JSON.stringify(`${p.url}/v1/realtime?app=victim`)});
      ws.on('open', () => { for (let i = 0; i < 5; i++) ws.send(JSON.stringify({ type: 'input_audio_buffer.append', app: 'victim', i })); });
      ws.on('message', () => {});`]);
    track(victim);
    const apps = Array.from({ length: 49 }, (_, k) => app(`${p.url}/v1/realtime?app=${k}`));
    await Promise.all(apps.map((a) => a.opened));
    await until(() => srv.received.filter((t) => t.includes('"victim"')).length === 5);
    expect(srv.clients()).toBe(50);
    const send = (from: number, to: number) => apps.forEach((a, k) => { for (let i = from; i < to; i++) a.ws.send(JSON.stringify({ type: 'conversation.item.create', app: k, i })); });
    send(0, 10);
    victim.kill('SIGKILL');
    send(10, 20);
    await until(() => apps.every((a) => a.got.length === 20));
    await until(() => srv.closes.length === 1);
    expect(srv.closes[0]!.code).toBe(1011); // the victim's connection, passed on
    apps.forEach((a, k) => expect(a.got.map((g) => JSON.parse(g.data.toString()))).toEqual(Array.from({ length: 20 }, (_, i) => ({ type: 'conversation.item.create', app: k, i }))));
    for (const a of apps) a.ws.close(1000);
    await until(() => (p.err().match(/closed by/g) ?? []).length === 50);
    const r = await stop(p);
    expect(r.code).toBe(130);
    const files = recordings(dir);
    expect(files).toHaveLength(50);
    for (const f of files) {
      expect(f).toMatch(/\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d_127\.0\.0\.1_\d+\.jsonl$/);
      const recs = parsed(f);
      const who = /app=([^&"]+)/.exec(recs[0].rtev.path)![1]!;
      const frames = recs.slice(1, -1);
      if (who === 'victim') {
        expect(frames).toHaveLength(10); // 5 sent, 5 echoed
        expect(recs.at(-1).rtev).toMatchObject({ by: 'app', code: 1006, sent_code: 1011 });
        continue;
      }
      for (const dir of ['client', 'server']) {
        expect(frames.filter((l) => l.dir === dir).map((l) => `${l.event.app} ${l.event.i}`)).toEqual([...Array(20).keys()].map((i) => `${who} ${i}`));
      }
      expect(recs.at(-1).rtev).toMatchObject({ by: 'app', code: 1000, frames: 40 });
    }
    expect(r.stderr).toMatch(/rtev: \[\d+\] closed by the app with 1006 \(connection lost\), passed on as 1011; 10 frames/);
    expect(r.stderr).toMatch(/proxy stopped \(SIGINT\): 50 connections, 1970 frames/);
  }, 30000);

  it('stops reading from the upstream while the app reads slowly (4 MiB), and loses nothing', async () => {
    const chunk = 'A'.repeat(100_000);
    const count = 600; // 60 MB: far more than the socket buffers on the way
    let upstream: WebSocket | null = null;
    const srv = await serve({ close: 'stay', onConnection: (ws) => { upstream = ws; } });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir, '--quiet']);
    const a = app(`${p.url}/v1/realtime`);
    await a.opened;
    await until(() => upstream !== null);
    a.ws.pause(); // the app stops reading
    for (let i = 0; i < count; i++) upstream!.send(ev('response.output_audio.delta', { i, delta: chunk }));
    await new Promise((r) => setTimeout(r, 1000));
    // The proxy stopped reading: most of it still waits at the upstream, not in rtev's memory.
    expect(upstream!.bufferedAmount).toBeGreaterThan(30_000_000);
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.child.pid}/status`, 'utf8'))![1]) * 1024;
    expect(rss).toBeLessThan(200_000_000);
    a.ws.resume();
    await until(() => a.got.length === count, 20000);
    a.got.forEach((g, i) => expect(JSON.parse(g.data.toString()).i).toBe(i));
    a.ws.close();
    await until(() => p.err().includes('closed by'));
    await stop(p);
    const recs = parsed(recordings(dir)[0]!);
    expect(recs.slice(1, -1).map((l) => l.event.i)).toEqual([...Array(count).keys()]);
  }, 40000);

  it('on SIGTERM closes every connection with 1001 on both sides, finishes each recording and exits 143', async () => {
    const srv = await serve({ frames: [ev('session.created', { session: {} })], close: 'stay' });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir]);
    const apps = [app(`${p.url}/v1/realtime`), app(`${p.url}/v1/realtime`)];
    await Promise.all(apps.map((a) => a.opened));
    await until(() => apps.every((a) => a.got.length === 1));
    const r = await stop(p, 'SIGTERM');
    expect(r.code).toBe(143);
    for (const a of apps) expect((await a.closed).code).toBe(1001);
    await until(() => srv.closes.length === 2);
    expect(srv.closes.map((c) => c.code)).toEqual([1001, 1001]);
    for (const f of recordings(dir)) expect(parsed(f).at(-1)).toMatchObject({ dir: 'meta', rtev: { end: 'SIGTERM', by: 'rtev', code: 1001, frames: 1 } });
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^rtev: proxy stopped \(SIGTERM\): 2 connections, 2 frames, \d+ B; 2 recordings in /);
  });
});

describe('rtev proxy: durability', () => {
  it('puts each frame on disk within 100 ms; after kill -9 every recording is readable', async () => {
    const srv = await serve({ close: 'stay', echo: true });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir, '--json']);
    const a = app(`${p.url}/v1/realtime`);
    await a.opened;
    await until(() => recordings(dir).length === 1);
    const [file] = recordings(dir);
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      a.ws.send(ev('conversation.item.create', { n: i }));
      const seen = (n: number) => (readFileSync(file!, 'utf8').match(new RegExp(`"n":${i}}`, 'g')) ?? []).length >= n;
      await until(() => seen(1), 1000, 5); // the app's frame
      expect(Date.now() - t0).toBeLessThan(100);
      await until(() => seen(2), 1000, 5); // and its echo
    }
    expect(p.out().split('\n')[0]).toMatch(/^\{"conn":1,"seq":1,"ts":"[^"]+","dir":"client","protocol":"realtime","variant":"ConversationItemCreate","family":"conversation","event":\{/);
    p.child.kill('SIGKILL');
    await p.done;
    const stats = JSON.parse((await rtevProcess(['stats', '--json', file!])).stdout);
    expect(stats).toMatchObject({ events: 6, malformed: 0, directions: { client: 3, server: 3 } });
  });
});

describe('rtev proxy: protocols', () => {
  it("shows each connection with its protocol's catalogue: by its path, else by its first frames", async () => {
    const srv = await serve({
      close: 'stay',
      onConnection: (ws, req) => {
        if (req.url!.startsWith('/v1/live/sessions')) ws.send(ev('session.started', { session: { model: 'gpt-live-1' } }));
        else ws.send(ev('session.created', { session: { type: 'translation', model: 'gpt-realtime-translate' } }));
        ws.send(ev('session.output_transcript.delta', { delta: 'hola' }));
      },
    });
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--no-record', '--json']);
    for (const path of ['/v1/live/sessions', '/custom/path']) {
      const a = app(`${p.url}${path}`);
      await until(() => a.got.length === 2);
      a.ws.close();
    }
    await until(() => (p.err().match(/closed by/g) ?? []).length === 2);
    const out = (await stop(p)).stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(out.map((l) => `${l.conn} ${l.protocol} ${l.variant}`)).toEqual([
      '1 live SessionStarted', '1 live SessionOutputTranscriptDelta',
      '2 translation SessionCreated', '2 translation SessionOutputTranscriptDelta',
    ]);
  });
});

describe('rtev proxy: SDK clients', () => {
  it("openai-node's realtime client goes through it as the README shows (baseURL, plus a plain TCP connection)", async () => {
    const srv = await serve({ frames: [ev('session.created', { session: { model: 'gpt-realtime' } })], close: 'stay', echo: true });
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--no-record', '--time', 'none'], {});
    const script = `
      import net from 'node:net';
      import OpenAI from 'openai';
      import { OpenAIRealtimeWS } from 'openai/realtime/ws';
      const client = new OpenAI({ apiKey: ${JSON.stringify(APP_KEY)}, baseURL: ${JSON.stringify(`${p.http}/v1`)} });
      // openai-node makes the base URL's scheme wss:, so the proxy's plain port needs a plain connection.
      const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { createConnection: (o) => net.connect(Number(o.port), o.host) } }, client);
      rt.on('session.created', () => rt.send({ type: 'response.create' }));
      rt.on('response.create', () => rt.close());`;
    const r = await new Promise<number>((resolve) => spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'inherit' }).on('close', resolve));
    expect(r).toBe(0);
    expect(srv.headers[0]!.authorization).toBe(`Bearer ${APP_KEY}`);
    expect(srv.received).toEqual(['{"type":"response.create"}']);
    await until(() => p.err().includes('closed by the app'));
    const out = await stop(p);
    expect(out.stdout.split('\n').slice(0, 3)).toEqual(['↓ session.created                          gpt-realtime', '↑ response.create', '↓ response.create']);
  });
});

describe('rtev proxy: WebRTC calls', () => {
  it('answers POST /v1/realtime/calls unchanged and records the call\'s sideband', async () => {
    const requests: { method: string; url: string; auth: string | undefined; type: string | undefined; body: string }[] = [];
    const srv = await serve({
      close: 'stay',
      http: (req, body, res) => {
        requests.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, type: req.headers['content-type'], body: body.toString() });
        res.writeHead(201, { Location: '/v1/realtime/calls/rtc_test123', 'Content-Type': 'application/sdp', 'X-Request-Id': 'req_1' });
        res.end('v=0\r\no=- answer\r\n');
      },
      onConnection: (ws, req) => {
        if (req.url?.includes('call_id=rtc_test123')) ws.send(ev('session.created', { session: { model: 'gpt-realtime' } }));
      },
    });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir]);
    const res = await fetch(`${p.http}/v1/realtime/calls?x=1`, { method: 'POST', body: 'v=0\r\no=- offer\r\n', headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${BROWSER_KEY}` } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/v1/realtime/calls/rtc_test123');
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(await res.text()).toBe('v=0\r\no=- answer\r\n');
    expect(requests).toEqual([{ method: 'POST', url: '/v1/realtime/calls?x=1', auth: `Bearer ${BROWSER_KEY}`, type: 'application/sdp', body: 'v=0\r\no=- offer\r\n' }]);
    // rtev opens the sideband with its own key (the host policy), and records the call's events.
    await until(() => srv.paths.includes('/v1/realtime?call_id=rtc_test123'));
    expect(srv.headers.at(-1)!.authorization).toBe(`Bearer ${KEY}`);
    await until(() => recordings(dir).length === 1 && lines(recordings(dir)[0]!).length >= 2);
    const r = await stop(p);
    const recs = parsed(recordings(dir)[0]!);
    expect(recs[0].rtev).toMatchObject({ sideband: 'rtc_test123', path: '/v1/realtime?call_id=rtc_test123' });
    expect(recs[1]).toMatchObject({ dir: 'server', event: { type: 'session.created' } });
    expect(recs.at(-1).rtev).toMatchObject({ end: 'SIGINT', by: 'rtev' });
    expect(r.stderr).toContain('rtev: POST /v1/realtime/calls?x=1 → 201 Created');
    expect(r.stderr).toMatch(/\[1\] sideband of call rtc_test123 → /);
    expect(r.stdout).toMatch(/↓ session\.created +gpt-realtime/);
    for (const out of [r.stdout, r.stderr, allText(dir)]) expect(out).not.toContain(BROWSER_KEY);
  });
});

describe('rtev proxy: usage', () => {
  it('names a bad UPSTREAM, a bad --header and a missing folder in one line', async () => {
    expect(await rtev(['proxy', 'ftp://x'])).toMatchObject({ code: 2, stderr: 'rtev: UPSTREAM "ftp://x/": use openai, ws://…, wss://…, http://… or https://…\n' });
    expect(await rtev(['proxy', '--header', 'nocolon'])).toMatchObject({ code: 2, stderr: 'rtev: --header "nocolon": expected "Name: value"\n' });
    expect(await rtev(['proxy', '--direction', 'sideways'])).toMatchObject({ code: 2 });
    const missing = join(tmp(), 'no', 'such');
    expect(await rtev(['proxy', '--dir', missing])).toMatchObject({ code: 1, stderr: `rtev: cannot write recordings to ${missing}: no such folder\n` });
    expect(existsSync(missing)).toBe(false);
  });

  it('exits 1 when the port is taken', async () => {
    const srv = await serve({ close: 'stay' });
    const r = await rtevProcess(['proxy', '--port', String(srv.port), '--no-record']);
    expect(r).toMatchObject({ code: 1, stderr: `rtev: cannot listen on 127.0.0.1:${srv.port}: the port is in use\n` });
  });
});

describe('rtev proxy: GPT-Live and Realtime Translation', () => {
  it('attaches the sideband of a WebRTC POST /v1/live/sessions (id from the JSON answer) and tags it GPT-Live', async () => {
    const answer = { session: { id: 'live_rtc42', model: 'gpt-live-1' }, transport: { type: 'webrtc', sdp: 'v=0\r\no=- answer\r\n' } };
    const srv = await serve({
      close: 'stay',
      http: (req, body, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer));
      },
      onConnection: (ws, req) => {
        if (req.url !== '/v1/live/sessions/live_rtc42/attach') return;
        ws.send(JSON.stringify({ type: 'session.updated', event_id: 'e1', session: { id: 'live_rtc42', model: 'gpt-live-1' } }));
        ws.send(JSON.stringify({ type: 'session.output_transcript.delta', delta: 'Hi there', start_ms: 0, end_ms: 500 }));
      },
    });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir, '--time', 'none']);
    const res = await fetch(`${p.http}/v1/live/sessions`, {
      method: 'POST', body: JSON.stringify({ session: { model: 'gpt-live-1' }, transport: { type: 'webrtc', sdp: 'offer' } }),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${BROWSER_KEY}` },
    });
    expect(await res.json()).toEqual(answer); // the app's answer, unchanged
    await until(() => srv.paths.includes('/v1/live/sessions/live_rtc42/attach'));
    expect(srv.headers.at(-1)!.authorization).toBe(`Bearer ${KEY}`);
    await until(() => recordings(dir).length === 1 && lines(recordings(dir)[0]!).length >= 3);
    const r = await stop(p);
    const recs = parsed(recordings(dir)[0]!);
    expect(recs[0].rtev).toMatchObject({ sideband: 'live_rtc42', protocol: 'live', path: '/v1/live/sessions/live_rtc42/attach' });
    expect(r.stderr).toMatch(/\[1\] sideband of GPT-Live session live_rtc42 → /);
    // Shown with GPT-Live's summaries, and read back as GPT-Live.
    expect(r.stdout).toMatch(/^↓ session\.output_transcript\.delta +"Hi there" \(0\.00–0\.50 s\)$/m);
    const cat = await rtevProcess(['cat', '--json', recordings(dir)[0]!]);
    expect(cat.stdout.trim().split('\n').map((l) => JSON.parse(l).protocol)).toEqual(['live', 'live']);
    for (const out of [r.stdout, r.stderr, allText(dir)]) expect(out).not.toContain(BROWSER_KEY);
  });

  it('forwards and records a GPT-Live WebSocket and a Translation one, each tagged by its path', async () => {
    const srv = await serve({
      close: 'stay',
      onMessage: (ws, text) => {
        const e = JSON.parse(text);
        if (e.type === 'session.start') ws.send(JSON.stringify({ type: 'session.started', event_id: 's1', session: { id: 'live_1', model: e.session.model } }));
        if (e.type === 'session.update') ws.send(JSON.stringify({ type: 'session.updated', event_id: 't1', session: { id: 'sess_1', type: 'translation', model: 'gpt-realtime-translate', audio: { output: { language: 'es' } } } }));
      },
    });
    const dir = tmp();
    const p = await startProxy([`ws://127.0.0.1:${srv.port}`, '--dir', dir, '--time', 'none']);
    const live = app(`${p.url}/v1/live/sessions`);
    await live.opened;
    live.ws.send(JSON.stringify({ type: 'session.start', session: { model: 'gpt-live-1' } }));
    await until(() => live.got.length === 1);
    const tr = app(`${p.url}/v1/realtime/translations?model=gpt-realtime-translate`);
    await tr.opened;
    tr.ws.send(JSON.stringify({ type: 'session.update', session: { audio: { output: { language: 'es' } } } }));
    await until(() => tr.got.length === 1);
    const r = await stop(p);
    const [a, b] = recordings(dir).map(parsed);
    expect(a![0].rtev).toMatchObject({ protocol: 'live', path: '/v1/live/sessions' });
    expect(b![0].rtev).toMatchObject({ protocol: 'translation' });
    expect(r.stdout).toMatch(/^(\[1\] )?↓ session\.started +live_1 gpt-live-1$/m);
    expect(r.stdout).toMatch(/^\[2\] ↓ session\.updated +sess_1 gpt-realtime-translate auto → es$/m);
    for (const file of recordings(dir)) {
      const cat = await rtevProcess(['cat', '--json', file]);
      const tagged = cat.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(tagged.every((t) => t.variant !== 'Unknown')).toBe(true);
    }
  });
});
