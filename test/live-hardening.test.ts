// What a hostile run broke in live sessions: crashes, write errors, device nodes, big and invalid frames, name
// collisions, signals and timeouts while stdout is stuck, memory behind a reader that never reads.
// Real ws servers on 127.0.0.1 port 0, the real CLI as a subprocess.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { defaultRecordingPath } from '../src/record/recorder.js';
import { BIN, rtevProcess, tmp, type Result } from './helpers.js';

const KEY = 'sk-test-key-0123456789';
const ev = (type: string, extra: object = {}) => JSON.stringify({ type, event_id: `event_${type}`, ...extra });

const servers: WebSocketServer[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => {
    for (const c of s.clients) c.terminate();
    s.close(() => r());
  })));
});

/** A server on loopback that runs `script` for each client (it may send text frames of any bytes). */
async function server(script: (ws: WebSocket) => void | Promise<void>): Promise<{ url: string; connected: () => number }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise<void>((r) => wss.once('listening', () => r()));
  let n = 0;
  wss.on('connection', (ws) => {
    n++;
    ws.on('error', () => {});
    void Promise.resolve(script(ws)).catch(() => {});
  });
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/v1/realtime`, connected: () => n };
}

/** rtev in the background; stdout is read unless `stuck` (a reader that never reads). */
function background(args: string[], o: { cwd?: string; env?: Record<string, string>; stuck?: boolean; shell?: string } = {}) {
  const env = { PATH: process.env.PATH ?? '', TZ: 'UTC', OPENAI_API_KEY: KEY, ...o.env };
  const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = o.shell !== undefined
    ? spawn('bash', ['--noprofile', '--norc', '-c', `${o.shell}; exec ${quoted}`], { cwd: o.cwd, env })
    : spawn(process.execPath, [BIN, ...args], { cwd: o.cwd, env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  if (!o.stuck) child.stdout.on('data', (c) => { stdout += c; });
  child.stderr.on('data', (c) => { stderr += c; });
  const done = new Promise<Result>((r) => child.on('close', (code, sig) => r({ code: code ?? (sig ? -1 : -2), stdout, stderr })));
  return { child, done, err: () => stderr };
}

const until = async (cond: () => boolean, ms = 10000, every = 20) => {
  const t0 = Date.now();
  const ok = () => { try { return cond(); } catch { return false; } };
  while (!ok()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, every));
  }
};

const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const noStack = (r: Result) => expect(r.stderr).not.toMatch(/\n\s+at |RangeError|internal error/);

describe('crashes and lost recordings', () => {
  it('a 10,000-level unknown event does not stop live tail: shown cut, recorded, and the closing meta line written', async () => {
    const deep = `{"type":"x.deep","v":${'['.repeat(10000)}${']'.repeat(10000)}}`;
    const srv = await server((ws) => {
      ws.send(deep);
      ws.send(ev('response.done', { response: { id: 'resp_9', status: 'completed' } }));
      ws.close(1000);
    });
    const dir = tmp();
    const file = join(dir, 'deep.jsonl');
    const r = await background(['tail', srv.url, '--record', file, '--time', 'none']).done;
    expect(r.code, r.stderr).toBe(0);
    noStack(r);
    const out = r.stdout.trimEnd().split('\n');
    expect(out[0]).toMatch(/^↓ x\.deep +\{"type":"x\.deep","v":\[\[\[\[.*…$/);
    expect(out[0]!.length).toBeLessThan(200);
    expect(out[1]).toMatch(/^↓ response\.done +resp_9 completed/);
    const rec = lines(file);
    expect(rec).toHaveLength(4);
    expect(JSON.parse(rec.at(-1)!)).toMatchObject({ dir: 'meta', rtev: { end: 'closed', frames: 2 } });
    // The same capture through every display path: one line each, no crash.
    for (const args of [['cat'], ['filter', '--pretty'], ['tail'], ['cat', '--wide']]) {
      const c = await rtevProcess([...args, '--time', 'none', file]);
      expect(c.code, `${args.join(' ')}: ${c.stderr}`).toBe(0);
      noStack(c);
      expect(c.stdout).toMatch(/^↓ x\.deep +\{"type":"x\.deep","v":\[\[\[/);
      expect(c.stdout).toContain('response.done');
    }
  });

  it('a file-size limit while recording: one line naming the file and the error, whole lines kept, exit 1', async () => {
    const frames = Array.from({ length: 400 }, (_, i) => ev('response.output_text.delta', { response_id: 'r', item_id: 'i', delta: 'x'.repeat(1000) + i }));
    const srv = await server(async (ws) => {
      for (const f of frames) ws.send(f);
      // Stay open: rtev must stop on its own when it cannot write.
    });
    const dir = tmp();
    const file = join(dir, 'limited.jsonl');
    // ulimit -f counts 1 KiB blocks: the file may not pass 100 KiB; the session sends about 430 KB.
    const r = await background(['record', srv.url, '-o', file], { shell: 'ulimit -f 100' }).done;
    expect(r.code).toBe(1);
    noStack(r);
    expect(r.stderr).toMatch(new RegExp(`^rtev: cannot write ${file}: file too large \\(over the file-size limit, ulimit -f\\) \\(EFBIG\\); recording stopped, the file keeps (\\d+) frames, each line whole\\n$`));
    const kept = Number(/keeps (\d+) frames/.exec(r.stderr)![1]);
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBeLessThanOrEqual(100 * 1024);
    expect(text.endsWith('\n')).toBe(true);
    const rec = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(rec.filter((l) => l.dir === 'server')).toHaveLength(kept);
    expect(kept).toBeGreaterThan(50);
    const stats = await rtevProcess(['stats', '--json', file]);
    expect(JSON.parse(stats.stdout)).toMatchObject({ malformed: 0 });
  });

  it('never opens, truncates or chmods a FIFO or a device: one line, exit 1, /dev/null untouched', async () => {
    const srv = await server((ws) => { ws.send(ev('session.created', { session: {} })); ws.close(1000); });
    const dir = tmp();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    // Opening a FIFO for writing would wait for a reader forever: the check comes first.
    const a = await rtevProcess(['record', srv.url, '-o', fifo, '--force'], { env: { OPENAI_API_KEY: KEY } });
    expect(a).toMatchObject({ code: 1, stderr: `rtev: ${fifo} is a FIFO: rtev records only to regular files (give a new file, or an existing one with --force)\n` });
    const before = lstatSync('/dev/null');
    const b = await rtevProcess(['record', srv.url, '-o', '/dev/null', '--force'], { env: { OPENAI_API_KEY: KEY } });
    expect(b.code).toBe(1);
    expect(b.stderr).toBe('rtev: /dev/null is a character device: rtev records only to regular files (give a new file, or an existing one with --force)\n');
    const after = lstatSync('/dev/null');
    expect(after.mode).toBe(before.mode);
    expect(after.uid).toBe(before.uid);
    // A symbolic link is not followed, even to a regular file.
    writeFileSync(join(dir, 'target.jsonl'), 'keep\n');
    symlinkSync(join(dir, 'target.jsonl'), join(dir, 'link.jsonl'));
    const c = await rtevProcess(['record', srv.url, '-o', join(dir, 'link.jsonl'), '--force'], { env: { OPENAI_API_KEY: KEY } });
    expect(c.stderr).toMatch(/link\.jsonl is a symbolic link: rtev records only to regular files/);
    expect(readFileSync(join(dir, 'target.jsonl'), 'utf8')).toBe('keep\n');
  });

  it('records a 70 MB frame that every reader reads back', async () => {
    const big = ev('response.output_text.delta', { response_id: 'r', item_id: 'i', delta: 'y'.repeat(70_000_000) });
    const srv = await server((ws) => { ws.send(big); ws.send(ev('response.done', { response: { id: 'r', status: 'completed' } })); ws.close(1000); });
    const dir = tmp();
    const file = join(dir, 'big.jsonl');
    const r = await background(['record', srv.url, '-o', file]).done;
    expect(r.code, r.stderr).toBe(0);
    const s = await rtevProcess(['stats', '--json', file]);
    expect(s.stderr).toBe('');
    expect(JSON.parse(s.stdout)).toMatchObject({ events: 2, malformed: 0 });
  }, 60000);

  it('a frame over 128 MiB ends the session with an accurate sentence; what came before is recorded', async () => {
    const srv = await server((ws) => {
      ws.send(ev('session.created', { session: {} }));
      ws.send(Buffer.alloc(129 * 1024 * 1024, 1), { binary: true });
    });
    const dir = tmp();
    const file = join(dir, 'huge.jsonl');
    const r = await background(['record', srv.url, '-o', file]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`rtev: the server sent a frame over rtev's 128 MiB limit; rtev closed the connection with 1009 (message too big); 1 frames recorded to ${file}\n`);
    const rec = lines(file).map((l) => JSON.parse(l));
    expect(rec.map((l) => l.dir)).toEqual(['meta', 'server', 'meta']);
  }, 60000);

  it('keeps a text frame that is not valid UTF-8, byte for byte, and replay sends it back as a text frame', async () => {
    const bad = Buffer.concat([Buffer.from('{"type":"x.bad","t":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const srv = await server((ws) => {
      ws.send(ev('session.created', { session: {} }));
      ws.send(bad, { binary: false });
      ws.send(ev('response.done', { response: { id: 'r', status: 'completed' } }));
      ws.close(1000);
    });
    const dir = tmp();
    const file = join(dir, 'utf8.jsonl');
    const r = await background(['tail', srv.url, '--record', file, '--time', 'none']).done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('↓ (binary)                                 text frame kept as bytes (invalid UTF-8), 26 B');
    expect(r.stdout).toContain('response.done');
    const rec = lines(file).map((l) => JSON.parse(l));
    expect(rec).toHaveLength(5);
    expect(rec[2]).toMatchObject({ dir: 'server', text_frame: 'invalid UTF-8' });
    expect(Buffer.from(rec[2].binary, 'base64')).toEqual(bad);

    // rtev replay serves it as the text frame it was; rtev record keeps it again, the same bytes.
    const rp = spawn(process.execPath, [BIN, 'replay', file, '--speed', 'max', '--close'], { env: { PATH: process.env.PATH ?? '' } });
    children.push(rp);
    let err = '';
    rp.stderr.on('data', (c) => { err += c; });
    await until(() => /ws:\/\/\S+/.test(err));
    const url = /ws:\/\/\S+/.exec(err)![0];
    const raw = await new Promise<{ data: Buffer; binary: boolean }[]>((resolve) => {
      const got: { data: Buffer; binary: boolean }[] = [];
      const ws = new WebSocket(url, { skipUTF8Validation: true });
      ws.on('message', (data, binary) => got.push({ data: data as Buffer, binary }));
      ws.on('close', () => resolve(got));
    });
    expect(raw[1]).toEqual({ data: bad, binary: false });
    const again = join(dir, 'again.jsonl');
    const r2 = await background(['record', url, '-o', again]).done;
    expect(r2.code, r2.stderr).toBe(0);
    const rec2 = lines(again).map((l) => JSON.parse(l));
    expect(rec2.filter((l) => l.dir === 'server')).toHaveLength(3);
    expect(rec2[2]).toMatchObject({ text_frame: 'invalid UTF-8', binary: rec[2].binary });
  });

  it('two sessions in the same second get distinct default names; nothing is overwritten', async () => {
    const srv = await server((ws) => { ws.send(ev('session.created', { session: {} })); ws.close(1000); });
    const dir = tmp();
    mkdirSync(join(dir, 'recordings'));
    // The names of this second and the next five are taken: the session must add a suffix, not fail.
    const now = Date.now();
    const taken = Array.from({ length: 6 }, (_, i) => defaultRecordingPath('127.0.0.1', new Date(now + i * 1000)));
    for (const p of taken) writeFileSync(join(dir, p), 'precious\n');
    const r = await background(['record', srv.url], { cwd: dir }).done;
    expect(r.code, r.stderr).toBe(0);
    for (const p of taken) expect(readFileSync(join(dir, p), 'utf8')).toBe('precious\n');
    const made = readdirSync(join(dir, 'recordings')).filter((n) => n.endsWith('_2.jsonl'));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d_127\.0\.0\.1_2\.jsonl$/);
    expect(r.stderr).toContain(made[0]);
    expect(statSync(join(dir, 'recordings', made[0]!)).mode & 0o777).toBe(0o600);
  });

  it('tail --timeout 3 against a stalled server ends at 3 s', async () => {
    let t0 = 0;
    const srv = await server((ws) => {
      t0 = Date.now();
      ws.send(ev('session.created', { session: {} }));
      // Stalled: it reads nothing more, so our close frame is never answered.
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    });
    const r = await background(['tail', srv.url, '--timeout', '3', '--no-record']).done;
    const took = Date.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    expect(took).toBeGreaterThanOrEqual(2900);
    expect(took).toBeLessThan(3800);
  });
});

describe('tail while stdout is stuck', () => {
  it('a reader that never reads: memory stays bounded, no listener leak, every frame recorded; Ctrl-C acts at once', async () => {
    const N = 60000;
    let sent = 0;
    const srv = await server(async (ws) => {
      for (let i = 0; i < N; i++) {
        ws.send(JSON.stringify({ type: 'response.output_text.delta', response_id: 'r', item_id: 'i', delta: 'x'.repeat(2000) + i }));
        sent++;
        if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    });
    const dir = tmp();
    const file = join(dir, 'stuck.jsonl');
    // --all: every delta a line (a run of one item's deltas would otherwise be one line).
    const p = background(['tail', srv.url, '--record', file, '--all'], { stuck: true });
    let peak = 0;
    await until(() => {
      peak = Math.max(peak, rss(p.child.pid!));
      return sent === N && existsSync(file) && lines(file).length >= N + 1;
    }, 120000, 50);
    expect(peak).toBeLessThan(160 * 1024 * 1024);
    const t0 = Date.now();
    p.child.kill('SIGINT');
    const r = await p.done;
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(r.code).toBe(130);
    expect(r.stderr).not.toContain('MaxListenersExceededWarning');
    expect(r.stderr).toMatch(/the display fell behind: \d+ events not shown \(all are in the recording\)/);
    expect(r.stderr).toMatch(new RegExp(`recorded ${N} frames .* interrupted \\(SIGINT\\)`));
    expect(JSON.parse(lines(file).at(-1)!)).toMatchObject({ dir: 'meta', rtev: { end: 'SIGINT', frames: N } });
  }, 180000);

  it('a flood (a reader that keeps up): the display takes a tenth of the time, the recording gets every frame; a burst of 1,500 is shown whole', async () => {
    const N = 40000;
    const flood = await server((ws) => {
      for (let i = 0; i < N; i++) ws.send(JSON.stringify({ type: 'response.output_text.delta', response_id: 'r', item_id: `i${i >> 4}`, delta: `w${i}` }));
      ws.close(1000);
    });
    const file = join(tmp(), 'flood.jsonl');
    const r = await background(['tail', flood.url, '--record', file, '--all']).done;
    expect(r.code, r.stderr).toBe(0);
    expect(lines(file)).toHaveLength(N + 2);
    const notes = [...r.stderr.matchAll(/the display fell behind: (\d+) events not shown \(all are in the recording\)/g)].map((m) => Number(m[1]));
    expect(notes.length).toBeGreaterThan(0);
    const shown = r.stdout.trimEnd().split('\n').length;
    expect(shown + notes.reduce((a, n) => a + n, 0)).toBe(N); // --all: a line per frame shown
    expect(shown).toBeLessThan(N);
    // 1,500 frames at once is no flood: every one is shown.
    const burst = await server((ws) => {
      for (let i = 0; i < 1500; i++) ws.send(JSON.stringify({ type: 'response.output_text.delta', response_id: 'r', item_id: 'i', delta: `w${i}` }));
      ws.close(1000);
    });
    const b = await background(['tail', burst.url, '--all', '--record', join(tmp(), 'burst.jsonl')]).done;
    expect(b.stderr).not.toContain('fell behind');
    expect(b.stdout.trimEnd().split('\n')).toHaveLength(1500);
  }, 120000);

  it('a slow reader: the display skips in gaps, with one note per gap, not one per frame', async () => {
    const N = 30000;
    const srv = await server(async (ws) => {
      for (let i = 0; i < N; i++) {
        ws.send(JSON.stringify({ type: 'response.output_text.delta', response_id: 'r', item_id: 'i', delta: 'x'.repeat(1000) + i }));
        if (i % 100 === 0) await new Promise((r) => setTimeout(r, 10)); // about 10 MB/s for 3 s
      }
      ws.close(1000);
    });
    const dir = tmp();
    const file = join(dir, 'slow.jsonl');
    const p = background(['tail', srv.url, '--record', file, '--wide', '--all'], { stuck: true });
    // Read 64 KiB every 20 ms: about 3 MB/s, far slower than the server sends.
    let shown = 0;
    const timer = setInterval(() => { const c = p.child.stdout.read(65536); if (c) shown += c.length; }, 20);
    const r = await p.done;
    clearInterval(timer);
    expect(r.code, r.stderr).toBe(0);
    const notes = r.stderr.match(/the display fell behind/g) ?? [];
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.length).toBeLessThan(30);
    expect(shown).toBeGreaterThan(0);
    expect(lines(file)).toHaveLength(N + 2);
  }, 120000);

  it('the reader going away ends tail with the recording closed (| head)', async () => {
    const srv = await server(async (ws) => {
      for (let i = 0; i < 5000; i++) {
        ws.send(ev('response.output_text.delta', { response_id: 'r', item_id: 'i', delta: `d${i}` }));
        if (i % 100 === 0) await new Promise((r) => setTimeout(r, 2));
      }
    });
    const dir = tmp();
    const file = join(dir, 'head.jsonl');
    const r = await rtevProcess(['tail', srv.url, '--record', file, '--all'], { env: { OPENAI_API_KEY: KEY }, shell: '| head -3' });
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(JSON.parse(lines(file).at(-1)!)).toMatchObject({ dir: 'meta', rtev: { end: 'stdout', message: 'the reader of stdout went away' } });
    expect(r.stderr).toMatch(/^rtev: recorded \d+ frames .*; the reader of stdout went away\n$/);
  });
});

describe('what the recorder writes, the readers read', () => {
  it('no recording line passes the readers\' limit: the largest frame fits, and text that escaping would swell is kept as bytes', async () => {
    const { MAX_RECORDING_LINE, recordingLine, textFrameNote } = await import('../src/record/line.js');
    const { MAX_LINE_BYTES } = await import('../src/sources/read.js');
    const { MAX_FRAME_BYTES } = await import('../src/sources/websocket.js');
    expect(MAX_LINE_BYTES).toBeGreaterThanOrEqual(MAX_RECORDING_LINE);
    // A binary frame at the limit: base64 is 4/3 of it, plus the line's head.
    expect(Math.ceil(MAX_FRAME_BYTES / 3) * 4 + 100).toBeLessThan(MAX_RECORDING_LINE);
    // 45 MiB of control characters would escape to 270 MiB (\u0001 each): kept as base64 instead.
    const ctl = Buffer.alloc(45 * 1024 * 1024, 1);
    const line = recordingLine('2026-11-25T12:00:00.000Z', 'server', ctl, false);
    expect(line.length).toBeLessThan(MAX_RECORDING_LINE);
    expect(textFrameNote(line)).toBe('too long to escape');
    // Short text stays text; a real binary frame has no note.
    expect(recordingLine('t', 'server', Buffer.from('\x01hi'), false).toString()).toBe('{"ts":"t","dir":"server","text":"\\u0001hi"}');
    expect(textFrameNote(recordingLine('t', 'server', Buffer.from([1, 2]), true))).toBeNull();
  });

  it('a frame scanned once with its line (readEventLine) gives the line and the frame of recordingLine then classifyLine, or stands aside', async () => {
    const { readEventLine, recordingLine } = await import('../src/record/line.js');
    const { classifyLine } = await import('../src/pipeline/classify.js');
    const ts = '2026-11-25T12:00:00.000Z';
    const frames = [
      '{"type":"response.done","event_id":"e1","response":{"id":"r"}}', '  {"type":"x.y"}\t', '{"type":"a","delta":"\\u0041"}',
      // Not one object with a string type: each must fall back (and a splice must never add keys to the line).
      '{"type":"x"},"dir":"client"', '{"type":"x"} {"type":"y"}', '{"type":"x"},"event":{"type":"y"}', '{"type":"x"}}', '{"type":1}', '{}',
      '{"no":"type"}', '[{"type":"x"}]', 'hello', '', '{"type":"x"', '{"type":"a\nb"}', '{"type":"x",\n"k":1}', '{"type":"x"}\r\n', '{"t":"\u0001"}',
    ];
    let fast = 0;
    for (const text of frames) {
      for (const dir of ['server', 'client'] as const) {
        const data = Buffer.from(text);
        const read = (line: Buffer) => classifyLine('src', 7, line, 0, line.length);
        const want = recordingLine(ts, dir, data, false);
        const got = readEventLine(ts, dir, data, read);
        if (got === null) continue;
        fast++;
        expect(got.line.equals(want), text).toBe(true);
        const f = read(want) as any;
        expect(typeof f, text).toBe('object');
        expect([got.frame.type, got.frame.dir, got.frame.ts, got.frame.eventBytes().toString()], text).toEqual([f.type, f.dir, f.ts, f.eventBytes().toString()]);
      }
    }
    expect(fast).toBe(6); // the first three frames, each way; none of the others
  });
});
