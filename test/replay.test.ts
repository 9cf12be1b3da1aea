// rtev replay as a server, tail as a client that sends: real sockets on 127.0.0.1.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { pcmBytes, wavHeader } from '../src/audio/wav.js';
import { BIN, fixture, rtevProcess, tmp, ROOT, type Result } from './helpers.js';
import { liveHarness } from './server.js';

const { serve: startScripted, track } = liveHarness();

/** Start `rtev replay` and wait for the URL it prints. */
async function replay(args: string[]): Promise<{ url: string; child: ChildProcess; out: () => string; done: Promise<Result> }> {
  const child = spawn(process.execPath, [BIN, 'replay', ...args], { env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => { stdout += c; });
  child.stderr.on('data', (c) => { stderr += c; });
  const done = new Promise<Result>((r) => child.on('close', (code) => r({ code: code ?? -1, stdout, stderr })));
  const t0 = Date.now();
  while (!/ws:\/\/\S+/.test(stderr)) {
    if (Date.now() - t0 > 5000) throw new Error(`replay did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { url: /ws:\/\/\S+/.exec(stderr)![0], child, out: () => stdout, done };
}

/** Connect and collect frames until `n` arrived or the server closed. */
function collect(url: string, n: number): Promise<{ frames: { data: Buffer; binary: boolean }[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: { data: Buffer; binary: boolean }[] = [];
    const t0 = Date.now();
    ws.on('message', (data, binary) => {
      frames.push({ data: data as Buffer, binary });
      if (frames.length === n) { ws.close(); resolve({ frames, ms: Date.now() - t0 }); }
    });
    ws.on('close', () => resolve({ frames, ms: Date.now() - t0 }));
    ws.on('error', reject);
  });
}

const rec = (ms: number, dir: string, body: string) => `{"ts":"${new Date(Date.UTC(2026, 10, 25, 12) + ms).toISOString()}","dir":"${dir}",${body}}`;

describe('rtev replay', () => {
  it('sends every server frame of a capture, byte-identical and in order, at --speed max', async () => {
    const events = readFileSync(fixture('real-beta-webrtc-session.jsonl'), 'utf8').trimEnd().split('\n');
    const r = await replay([fixture('real-beta-webrtc-session.jsonl'), '--speed', 'max']);
    const got = await collect(r.url, events.length);
    expect(got.frames.map((f) => f.data.toString())).toEqual(events);

    // A recording: client frames are not sent; text and binary frames are, as text and binary.
    const dir = tmp();
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, [
      '{"ts":"2026-11-25T12:00:00.000Z","dir":"meta","rtev":{}}',
      rec(0, 'server', '"event":{"type":"session.created" , "event_id":"e1","session":{}}'),
      rec(5, 'client', '"event":{"type":"response.create"}'),
      rec(10, 'server', '"text":"hello"'),
      rec(20, 'server', '"binary":"AAEC/w=="'),
    ].join('\n'));
    const r2 = await replay([file, '--speed', 'max', '--close']);
    const got2 = await collect(r2.url, 99);
    expect(got2.frames).toEqual([
      { data: Buffer.from('{"type":"session.created" , "event_id":"e1","session":{}}'), binary: false },
      { data: Buffer.from('hello'), binary: false },
      { data: Buffer.from([0, 1, 2, 255]), binary: true },
    ]);
  });

  it('keeps the original spacing at --speed 1 (a 1 s capture takes about 1 s), and halves it at --speed 2', async () => {
    const file = join(tmp(), 'timed.jsonl');
    writeFileSync(file, [0, 250, 500, 750, 1000].map((ms) => rec(ms, 'server', `"event":{"type":"input_audio_buffer.cleared","event_id":"e${ms}"}`)).join('\n'));
    const one = await collect((await replay([file])).url, 5);
    expect(one.ms).toBeGreaterThan(900);
    expect(one.ms).toBeLessThan(1600);
    const two = await collect((await replay([file, '--speed', '2'])).url, 5);
    expect(two.ms).toBeGreaterThan(400);
    expect(two.ms).toBeLessThan(900);
  });

  it('drives an interactive replay with tail --say: the server gets the item and response.create, tail prints the response and exits 0', async () => {
    const r = await replay([join(ROOT, 'recordings', 'sample.jsonl'), '--interactive', '--speed', '20']);
    const dir = tmp();
    const file = join(dir, 'say.jsonl');
    const t = await rtevProcess(['tail', r.url, '--say', 'hello', '--exit-after', 'response.done', '--record', file, '--time', 'none']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout.trimEnd().split('\n').at(-1)).toMatch(/^↓ response\.done +resp_\S+ completed/);
    await new Promise((res) => setTimeout(res, 100));
    expect(r.out()).toMatch(/↑ conversation\.item\.create +message user "hello"\n.*↑ response\.create/);
    const client = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"dir":"client"'));
    expect(client).toHaveLength(2);
    expect(client[0]).toContain('"text":"hello"');
  });

  it('waits for the client before each turn with --interactive', async () => {
    const r = await replay([join(ROOT, 'recordings', 'sample.jsonl'), '--interactive', '--speed', 'max']);
    const ws = new WebSocket(r.url);
    const types: string[] = [];
    ws.on('message', (d) => types.push(JSON.parse(d.toString()).type));
    // Polls rather than fixed sleeps: a loaded machine may be slow to deliver, never too fast.
    const until = async (ok: () => boolean, ms = 10000) => {
      for (const end = Date.now() + ms; !ok() && Date.now() < end;) await new Promise((res) => setTimeout(res, 20));
    };
    await until(() => types.includes('session.updated'));
    await new Promise((res) => setTimeout(res, 300));
    // Only what comes before the first turn: the session.
    expect(types).toEqual(['session.created', 'session.updated']);
    ws.send(JSON.stringify({ type: 'response.create' }));
    await until(() => types.includes('response.done'));
    expect(types).toContain('response.done');
    ws.close();
  });
});

describe('rtev replay: GPT-Live and Realtime Translation', () => {
  const generated = (protocol: string) => {
    const file = join(tmp(), `${protocol}.jsonl`);
    execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), '--protocol', protocol, '--turns', '4', '--client', '--no-audio', '--out', file]);
    return file;
  };

  it('serves each at its own path; --interactive waits for session.start before session.started, then for speech', async () => {
    const r = await replay([generated('live'), '--interactive', '--speed', 'max']);
    expect(r.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/live\/sessions$/);
    const ws = new WebSocket(r.url);
    const types: string[] = [];
    ws.on('message', (d) => types.push(JSON.parse(d.toString()).type));
    await new Promise<void>((res) => ws.once('open', () => res()));
    const until = async (ok: () => boolean, ms = 10000) => {
      for (const end = Date.now() + ms; !ok() && Date.now() < end;) await new Promise((res) => setTimeout(res, 20));
    };
    await new Promise((res) => setTimeout(res, 400));
    expect(types).toEqual([]); // nothing before the client's session.start
    ws.send(JSON.stringify({ type: 'session.start', session: { model: 'gpt-live-1' } }));
    await until(() => types.length > 0);
    await new Promise((res) => setTimeout(res, 300));
    expect(types).toEqual(['session.started']); // then the first turn waits for the user's audio
    ws.send(JSON.stringify({ type: 'session.input_audio.append', audio: 'AAAA' }));
    await until(() => types.includes('session.output_transcript.delta'));
    expect(types[1]).toBe('session.input_transcript.delta');
    ws.close();
    // The client's frames are shown with GPT-Live's catalogue.
    await until(() => r.out().includes('session.input_audio.append'));
    expect(r.out()).toMatch(/↑ session\.start +gpt-live-1/);

    const t = await replay([generated('translation'), '--speed', 'max']);
    expect(t.url).toMatch(/\/v1\/realtime\/translations\?model=gpt-realtime-translate$/);
  });

  it('tail live against a Live replay: sends session.start and shows what comes back', async () => {
    const r = await replay([generated('live'), '--interactive', '--speed', 'max']);
    const t = await rtevProcess(['tail', r.url, '--no-record', '--exit-after', 'session.started', '--time', 'none']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/^↑ session\.start +gpt-live-1\n↓ session\.started +live_\S+ gpt-live-1 voice=marin pcm/);
  });
});

describe('rtev demo', () => {
  it('replays the bundled recording and shows it live, with no API key', async () => {
    const r = await rtevProcess(['demo', '--speed', 'max'], { env: { OPENAI_API_KEY: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^rtev: demo: replaying .*sample\.jsonl at ws:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout.match(/↓ response\.done /g)).toHaveLength(8);
    expect(r.stdout).toMatch(/↓ response\.output_audio\.delta +resp_\S+ item_\S+ ×\d+, [\d.]+ s audio, [\d.]+ KB \([\d.]+–[\d.]+ s\)/);
  });
});

describe('tail sends client events', () => {
  const session = (turn: object | null, format = { type: 'audio/pcm', rate: 24000 }) => JSON.stringify({ type: 'session.created', event_id: 'e', session: { type: 'realtime', audio: { input: { format, turn_detection: turn } } } });
  const wav = (rate: number, channels: number, seconds: number) => {
    const samples = new Int16Array(rate * channels * seconds).map((_, i) => Math.round(8000 * Math.sin(i / 10)));
    const data = pcmBytes(samples);
    const h = wavHeader(rate, data.length);
    h.writeUInt16LE(channels, 22);
    h.writeUInt32LE(rate * channels * 2, 28);
    h.writeUInt16LE(channels * 2, 32);
    const p = join(tmp(), `${rate}-${channels}.wav`);
    writeFileSync(p, Buffer.concat([h, data]));
    return p;
  };
  const appended = (received: string[]) => received.filter((m) => m.includes('input_audio_buffer.append')).reduce((n, m) => n + Buffer.from(JSON.parse(m).audio, 'base64').length, 0);
  const serve = (first: string) => startScripted({ frames: [first], close: 'stay' });

  it('--audio streams a 1 s 24 kHz mono WAV as appends of exactly 48,000 bytes, in about 1 s, with no commit under server VAD', async () => {
    const srv = await serve(session({ type: 'server_vad' }));
    const t0 = Date.now();
    const r = await rtevProcess(['tail', srv.url, '--no-record', '--audio', wav(24000, 1, 1), '--exit-after', 'error', '--timeout', '2']);
    expect(r.code).toBe(1); // no error event came: the timeout ends it
    expect(appended(srv.received)).toBe(48000);
    expect(srv.received.filter((m) => m.includes('append'))).toHaveLength(10);
    expect(srv.received.some((m) => m.includes('commit'))).toBe(false);
    expect(Date.now() - t0).toBeGreaterThan(900);
  });

  it('converts 44.1 kHz stereo to 24 kHz mono, and commits and asks for a response without server VAD', async () => {
    const srv = await serve(session(null));
    await rtevProcess(['tail', srv.url, '--no-record', '--audio', wav(44100, 2, 1), '--audio-speed', 'max', '--exit-after', 'error', '--timeout', '1']);
    expect(appended(srv.received)).toBe(48000); // 1 s at 24 kHz, 16-bit
    expect(srv.received.slice(-2).map((m) => JSON.parse(m).type)).toEqual(['input_audio_buffer.commit', 'response.create']);
  });

  it('encodes G.711 µ-law for a pcmu session: 8,000 bytes a second', async () => {
    const srv = await serve(session({ type: 'server_vad' }, { type: 'audio/pcmu' } as never));
    await rtevProcess(['tail', srv.url, '--no-record', '--audio', wav(24000, 1, 1), '--audio-speed', 'max', '--exit-after', 'error', '--timeout', '1']);
    expect(appended(srv.received)).toBe(8000);
  });

  it('sends --send, --say and --audio in the order given, after session.created', async () => {
    const srv = await serve(session({ type: 'server_vad' }));
    const dir = tmp();
    writeFileSync(join(dir, 'events.jsonl'), '{"type":"session.update","session":{"type":"realtime"}}\n\n{"type":"input_audio_buffer.clear"}\n');
    await rtevProcess(['tail', srv.url, '--no-record', '--send', join(dir, 'events.jsonl'), '--say', 'hi', '--send', '{"type":"response.cancel"}', '--exit-after', 'error', '--timeout', '1']);
    expect(srv.received.map((m) => JSON.parse(m).type)).toEqual(['session.update', 'input_audio_buffer.clear', 'conversation.item.create', 'response.create', 'response.cancel']);
  });

  it('refuses invalid JSON in --send with exit 2, naming the place, and sends nothing', async () => {
    const srv = await serve(session(null));
    const dir = tmp();
    writeFileSync(join(dir, 'bad.jsonl'), '{"type":"session.update","session":{}}\n{"type": oops}\n');
    const r = await rtevProcess(['tail', srv.url, '--no-record', '--send', join(dir, 'bad.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^rtev: --send ${join(dir, 'bad.jsonl')}:2: invalid JSON`));
    const inline = await rtevProcess(['tail', srv.url, '--no-record', '--say', 'x', '--send', '{"type":']);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toMatch(/^rtev: --send #1: invalid JSON/);
    expect(srv.headers).toHaveLength(0); // never even connected
  });

  it('refuses a WAV it cannot use, naming the found and the needed format', async () => {
    const p = join(tmp(), 'f.wav');
    const h = wavHeader(48000, 4);
    h.writeUInt16LE(3, 20); // float
    h.writeUInt16LE(32, 34);
    writeFileSync(p, Buffer.concat([h, Buffer.alloc(4)]));
    const r = await rtevProcess(['tail', 'ws://127.0.0.1:9/x', '--audio', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rtev: --audio ${p}: float 32-bit, 48000 Hz, 1 channel; rtev needs PCM 16-bit (any rate, mono or stereo; sent as 24 kHz mono)\n`);
  });
});
