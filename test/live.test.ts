// Live sessions against real ws servers on 127.0.0.1, with the real CLI as a subprocess.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, rtevProcess, tmp, type Result } from './helpers.js';
import { liveHarness } from './server.js';

const KEY = 'sk-test-key-0123456789';
const ev = (type: string, extra: object = {}) => JSON.stringify({ type, event_id: `event_${type}`, ...extra });
const SESSION = [
  ev('session.created', { session: { model: 'gpt-realtime' } }),
  'plain text, not json',
  Buffer.from([0, 1, 2, 250]),
  ev('response.created', { response: { id: 'resp_1', status: 'in_progress' } }),
  '{ "type" : "response.output_text.delta", "event_id":"e9", "response_id":"resp_1", "item_id":"item_1", "output_index":0, "content_index":0, "delta":"h\\u00e9llo" }',
  ev('response.done', { response: { id: 'resp_1', status: 'completed', usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7 } } }),
];

const { serve, track } = liveHarness();

/** Start rtev in the background; resolve its result when it exits. */
function background(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', TZ: 'UTC', OPENAI_API_KEY: KEY, ...env } });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => { stdout += c; });
  child.stderr.on('data', (c) => { stderr += c; });
  const done = new Promise<Result>((r) => child.on('close', (code, sig) => r({ code: code ?? (sig === 'SIGKILL' ? 137 : -1), stdout, stderr })));
  return { child, done, out: () => stdout };
}

const until = async (cond: () => boolean, ms = 5000, every = 20) => {
  const t0 = Date.now();
  // A file read while rtev writes it may end in a partial line: that is "not yet", not a failure.
  const ok = () => { try { return cond(); } catch { return false; } };
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, every));
  }
};

const recLines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

describe('record and tail against a live server', () => {
  it('records every frame byte for byte, in order, with ts, dir and meta lines, mode 0600, and no key anywhere', async () => {
    const srv = await serve({ frames: SESSION, gap: 5 });
    const dir = tmp();
    const file = join(dir, 'session.jsonl');
    const r = await rtevProcess(['record', srv.url, '-o', file], { env: { OPENAI_API_KEY: KEY } });
    expect(r.code, r.stderr).toBe(0);
    expect(srv.headers[0]!.authorization).toBe(`Bearer ${KEY}`);
    expect(srv.headers[0]!['openai-beta']).toBeUndefined();
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const text = readFileSync(file, 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(SESSION.length + 2);
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed[0]).toMatchObject({ dir: 'meta', rtev: { command: 'record', source: srv.url } });
    expect(parsed.at(-1)).toMatchObject({ dir: 'meta', rtev: { end: 'closed', code: 1000, frames: SESSION.length } });
    SESSION.forEach((frame, i) => {
      const line = lines[i + 1]!;
      expect(parsed[i + 1].dir).toBe('server');
      expect(parsed[i + 1].ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      if (Buffer.isBuffer(frame)) expect(parsed[i + 1].binary).toBe(frame.toString('base64'));
      else if (frame.startsWith('{')) expect(line.endsWith(`"event":${frame}}`)).toBe(true); // spliced verbatim
      else expect(parsed[i + 1].text).toBe(frame);
    });
    for (const out of [text, r.stdout, r.stderr]) expect(out).not.toContain(KEY);
    expect(r.stderr).toMatch(/^rtev: recorded 6 frames .* to .*session\.jsonl; the server closed the connection with 1000/);

    const cat = await rtevProcess(['cat', '--time', 'none', file]);
    expect(cat.stdout.trimEnd().split('\n')).toEqual([
      '↓ session.created                          gpt-realtime',
      '↓ (text)                                   text frame "plain text, not json"',
      '↓ (binary)                                 binary frame, 4 B',
      '↓ response.created                         resp_1 in_progress',
      '↓ response.output_text.delta               resp_1 item_1 "héllo"',
      '↓ response.done                            resp_1 completed · in 3 · out 4 tokens',
    ]);
  });

  it('tail prints events as they arrive and records by default; --no-record records nothing', async () => {
    const srv = await serve({ frames: SESSION });
    const dir = tmp();
    const r = await rtevProcess(['tail', srv.url, '--time', 'none'], { env: { OPENAI_API_KEY: KEY }, shell: `--record ${join(dir, 't.jsonl')}` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('↓ response.done                            resp_1 completed');
    expect(recLines(join(dir, 't.jsonl'))).toHaveLength(SESSION.length + 2);
    const none = background(['tail', srv.url, '--no-record'], dir);
    expect((await none.done).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['t.jsonl']);
  });

  it('records to recordings/<UTC time>_<host>.jsonl by default', async () => {
    const srv = await serve({ frames: SESSION.slice(0, 1) });
    const dir = tmp();
    expect((await background(['record', srv.url], dir).done).code).toBe(0);
    expect(readdirSync(join(dir, 'recordings'))[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d_127\.0\.0\.1\.jsonl$/);
  });

  it('names each failure in one line and exits 1: HTTP 401, refused port, close 4000', async () => {
    const dir = tmp();
    const denied = await serve({ reject: 401 });
    const a = await background(['record', denied.url, '-o', join(dir, 'a.jsonl')], dir).done;
    expect(a.code).toBe(1);
    expect(a.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(a.stderr).toMatch(/HTTP 401 .*authentication failed/);

    const port = denied.port;
    await denied.stop();
    const b = await background(['record', `ws://127.0.0.1:${port}/v1/realtime`, '-o', join(dir, 'b.jsonl')], dir).done;
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^rtev: cannot connect to ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime: connection refused by 127\.0\.0\.1; 0 frames recorded/);
    expect(b.stderr.trimEnd().split('\n')).toHaveLength(1);

    const shape = await serve({ frames: [ev('error', { error: { type: 'invalid_request_error', code: 'invalid_model', message: 'bad model' } })], close: { code: 4000, reason: 'invalid_request_error.invalid_model' } });
    const c = await background(['tail', shape.url, '--no-record'], dir).done;
    expect(c.code).toBe(1);
    expect(c.stdout).toContain('invalid_request_error invalid_model: bad model');
    expect(c.stderr).toBe('rtev: the server closed the connection with 4000 (request shape (model, URL or headers)): invalid_request_error.invalid_model\n');
    // TLS: wss:// to a server that speaks plain ws on loopback fails the handshake.
    const plain = await serve({ frames: [] });
    const d = await background(['tail', plain.url.replace('ws://', 'wss://'), '--no-record'], dir).done;
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/^rtev: cannot connect to wss:\/\/127\.0\.0\.1:\d+\/v1\/realtime\?model=gpt-realtime: TLS error with 127\.0\.0\.1: EPROTO wrong version number\n$/);
    for (const r of [a, b, c, d]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('on SIGINT flushes, writes the closing meta line, prints a summary and exits 130', async () => {
    const srv = await serve({ frames: SESSION.slice(0, 2), close: 'stay' });
    const dir = tmp();
    const file = join(dir, 'int.jsonl');
    const p = background(['record', srv.url, '-o', file], dir);
    await until(() => existsSync(file) && readFileSync(file, 'utf8').split('\n').length >= 3);
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(r.code).toBe(130);
    expect(recLines(file).at(-1)).toMatchObject({ dir: 'meta', rtev: { end: 'SIGINT', frames: 2 } });
    expect(r.stderr).toMatch(/recorded 2 frames .* interrupted \(SIGINT\)/);
    const t = background(['record', srv.url, '-o', join(dir, 'term.jsonl')], dir);
    await until(() => existsSync(join(dir, 'term.jsonl')) && readFileSync(join(dir, 'term.jsonl'), 'utf8').split('\n').length >= 3);
    t.child.kill('SIGTERM');
    expect((await t.done).code).toBe(143);
  });

  it('after kill -9 the recording is readable, with at most one malformed line, and every frame is on disk within 100 ms', async () => {
    const frames = Array.from({ length: 3000 }, (_, i) => ev('response.output_audio.delta', { response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'A'.repeat(4000 + (i % 7)) }));
    const srv = await serve({ frames, gap: 1, close: 'stay' });
    const dir = tmp();
    const file = join(dir, 'killed.jsonl');
    const p = background(['record', srv.url, '-o', file], dir);
    await until(() => existsSync(file) && statSync(file).size > 200000);
    p.child.kill('SIGKILL');
    await p.done;
    const s = await rtevProcess(['stats', '--json', file]);
    const stats = JSON.parse(s.stdout);
    expect(stats.malformed).toBeLessThanOrEqual(1);
    expect(stats.events).toBeGreaterThan(40);

    // Durability: a frame sent to a live recorder is in the file within 100 ms (checked every 5 ms).
    const srv2 = await serve({ frames: [], close: 'stay' });
    const file2 = join(dir, 'fresh.jsonl');
    const q = background(['record', srv2.url, '-o', file2], dir);
    await until(() => srv2.clients() === 1);
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      srv2.send(ev('session.created', { session: { n: i } }));
      await until(() => readFileSync(file2, 'utf8').includes(`{"n":${i}}`), 1000, 5);
      expect(Date.now() - t0).toBeLessThan(100);
    }
    q.child.kill('SIGKILL');
  });

  it('--exit-after response.done exits 0 right after the first one', async () => {
    const frames = [...SESSION, ...Array.from({ length: 200 }, () => ev('rate_limits.updated', { rate_limits: [] }))];
    const srv = await serve({ frames, gap: 20, close: 'stay' });
    const dir = tmp();
    const t0 = Date.now();
    const r = await background(['tail', srv.url, '--exit-after', 'response.done', '--no-record', '--time', 'none'], dir).done;
    expect(r.code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000); // the server would go on for 4 s more
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^↓ response\.done/);
    expect(r.stderr).toBe(''); // --no-record: nothing to say
    // Recording: where it went, as every other end says.
    const rec = await background(['tail', srv.url, '--exit-after', 'response.done', '--record', join(dir, 'x.jsonl'), '--time', 'none'], dir).done;
    expect(rec.code).toBe(0);
    expect(rec.stderr).toMatch(/^rtev: recorded \d+ frames \(.*\) in .* to .*x\.jsonl; ended after response\.done\n$/);
  });

  it('warns of an --exit-after that names no known type (it would wait for ever), as of --type', async () => {
    const srv = await serve({ frames: SESSION.slice(0, 1), close: 'stay' });
    const r = await background(['tail', srv.url, '--exit-after', 'response.dne', '--timeout', '1', '--no-record'], tmp()).done;
    expect(r.stderr.split('\n')[0]).toBe('rtev: warning: --exit-after response.dne matches no known type; did you mean response.done?');
    expect(r.code).toBe(1);
  });

  it('--timeout ends with exit 1 when nothing matched', async () => {
    const srv = await serve({ frames: SESSION.slice(0, 1), close: 'stay' });
    const r = await background(['tail', srv.url, '--exit-after', 'response.done', '--timeout', '1', '--no-record'], tmp()).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rtev: no response.done within 1 s\n');
    const alone = await background(['tail', srv.url, '--timeout', '1', '--no-record'], tmp()).done;
    expect(alone.code).toBe(0);
    expect(alone.stderr).toMatch(/^rtev: 1 frame in 1\.\d+ s; ended after 1 s \(--timeout\)\n$/);
  });

  it('warns of a --type that matches no known type, as the reading commands do, and goes on', async () => {
    const srv = await serve({ frames: SESSION, close: 'stay' });
    const r = await background(['tail', srv.url, '--type', 'response.dne', '--exit-after', 'response.done', '--no-record'], tmp()).done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('rtev: warning: --type response.dne matches no known type; did you mean response.done?\n');
  });

  it('never overwrites an existing recording without --force', async () => {
    const srv = await serve({ frames: SESSION.slice(0, 1) });
    const dir = tmp();
    const file = join(dir, 'keep.jsonl');
    writeFileSync(file, 'precious\n');
    const r = await background(['record', srv.url, '-o', file], dir).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`rtev: ${file} exists; choose another file or add --force to overwrite it\n`);
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
    const nowhere = await background(['record', srv.url, '-o', join(dir, 'no', 'such', 'folder.jsonl')], dir).done;
    expect(nowhere).toMatchObject({ code: 1, stderr: `rtev: cannot write ${join(dir, 'no', 'such', 'folder.jsonl')}: no such folder\n` });
    expect((await background(['record', srv.url, '-o', file, '--force'], dir).done).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('session.created');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('sends no key to a host it was not meant for, and refuses to start without one for OpenAI', async () => {
    const r = await rtevProcess(['record', '--model', 'gpt-realtime'], { env: { OPENAI_API_KEY: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rtev: OPENAI_API_KEY is not set/);
  });

  it('records bare event lines from stdin, timestamped on arrival', async () => {
    const dir = tmp();
    const file = join(dir, 'stdin.jsonl');
    const r = await rtevProcess(['record', '-', '-o', file], { input: `${ev('session.created', { session: {} })}\n${ev('response.create')}\nnot json\n` });
    expect(r.code).toBe(0);
    const lines = recLines(file);
    expect(lines.map((l) => l.dir)).toEqual(['meta', 'server', 'client', 'server', 'meta']);
    expect(lines[3].text).toBe('not json');
  });

  it('records what it reads back: JSON without a type as text, a recording piped in as its events', async () => {
    const dir = tmp();
    const file = join(dir, 'mixed.jsonl');
    const piped = [
      '{"ts":"2026-11-25T12:00:00.000Z","dir":"meta","rtev":{"source":"x"}}',
      `{"ts":"2026-11-25T12:00:00.001Z","dir":"client","event":${ev('response.create')}}`,
      '{"a":1}',
      ev('response.done', { response: {} }),
    ].join('\n') + '\n';
    const r = await rtevProcess(['record', '-', '-o', file], { input: piped });
    expect(r.code, r.stderr).toBe(0);
    const lines = recLines(file);
    expect(lines.slice(1, -1).map((l) => [l.dir, l.event?.type ?? l.text])).toEqual([
      ['client', 'response.create'], ['server', '{"a":1}'], ['server', 'response.done'],
    ]);
    // Read back whole: two events, one text frame, nothing malformed.
    const s = JSON.parse((await rtevProcess(['stats', '--json', file])).stdout);
    expect([s.events, s.frames.text, s.malformed]).toEqual([2, 1, 0]);
  });
});

describe('secrets and reconnection', () => {
  it('scrubs a key that a server echoes back, from the recording and the screen', async () => {
    const srv = await serve({ frames: [ev('error', { error: { code: 'invalid_api_key', message: `Incorrect API key provided: ${KEY}` } })] });
    const dir = tmp();
    const r = await rtevProcess(['tail', srv.url, '--record', join(dir, 'k.jsonl'), '--wide'], { env: { OPENAI_API_KEY: KEY } });
    const rec = readFileSync(join(dir, 'k.jsonl'), 'utf8');
    expect(rec).toContain('Incorrect API key provided: REDACTED');
    for (const out of [rec, r.stdout, r.stderr]) expect(out).not.toContain(KEY);
  });

  it('keeps --header values out of the process title', async () => {
    const srv = await serve({ frames: [], close: 'stay' });
    const p = background(['tail', srv.url, '--no-record', '--header', `X-Api-Key: ${KEY}`], tmp());
    await until(() => srv.clients() === 1);
    expect(readFileSync(`/proc/${p.child.pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()).toBe('rtev tail');
    expect(srv.headers[0]!['x-api-key']).toBe(KEY);
    p.child.kill('SIGINT');
    expect((await p.done).code).toBe(130);
  });

  it('--reconnect reconnects after a drop and records a meta line for it', async () => {
    let n = 0;
    const srv = await serve({ frames: [ev('session.created', { session: {} })], close: { code: 1011, reason: 'oops' } });
    const dir = tmp();
    const file = join(dir, 're.jsonl');
    const p = background(['record', srv.url, '-o', file, '--reconnect'], dir);
    await until(() => existsSync(file) && (n = recLines(file).filter((l) => l.dir === 'server').length) >= 2, 8000);
    p.child.kill('SIGINT');
    expect((await p.done).code).toBe(130);
    const metas = recLines(file).filter((l) => l.dir === 'meta');
    expect(metas[1]).toMatchObject({ rtev: { reconnect: 1, wait_ms: 1000 } });
    expect(metas[1].rtev.after).toMatch(/1011 \(server error\): oops/);
    expect(n).toBeGreaterThanOrEqual(2);
  }, 15000);
});

describe('tail of a file', () => {
  it('prints the last -n events', async () => {
    const dir = tmp();
    const file = join(dir, 'f.jsonl');
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => ev('input_audio_buffer.speech_started', { audio_start_ms: i * 1000, item_id: `item_${i}` })).join('\n') + '\n');
    const r = await rtevProcess(['tail', '-n', '3', '--time', 'none', file]);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      '↓ input_audio_buffer.speech_started        item_27 at 27.0 s',
      '↓ input_audio_buffer.speech_started        item_28 at 28.0 s',
      '↓ input_audio_buffer.speech_started        item_29 at 29.0 s',
    ]);
  });

  it('-f shows appended events within a second, and survives truncation and rotation', async () => {
    const dir = tmp();
    const file = join(dir, 'grow.jsonl');
    writeFileSync(file, ev('session.created', { session: {} }) + '\n');
    const p = background(['tail', '-f', '--time', 'none', file], dir);
    await until(() => p.out().includes('session.created'));
    const t0 = Date.now();
    appendFileSync(file, ev('response.done', { response: { id: 'resp_2', status: 'completed' } }) + '\n');
    await until(() => p.out().includes('resp_2'), 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    writeFileSync(file, ev('error', { error: { code: 'after_truncate' } }) + '\n');
    await until(() => p.out().includes('after_truncate'), 2000);
    const { renameSync } = await import('node:fs');
    renameSync(file, file + '.1');
    writeFileSync(file, ev('error', { error: { code: 'after_rotate' } }) + '\n');
    await until(() => p.out().includes('after_rotate'), 2000);
    p.child.kill('SIGINT');
    expect((await p.done).code).toBe(130);
  });
});
