// GPT-Live and Realtime Translation connections against scripted ws servers on 127.0.0.1, with the real CLI as a
// subprocess: the opening handshake, audio, observers, and the beta shutdown answered as OpenAI does.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { wavHeader } from '../src/audio/wav.js';
import { BETA_SHUTDOWN } from '../src/pipeline/check-live.js';
import { rtevProcess, tmp } from './helpers.js';
import { liveHarness } from './server.js';

const KEY = 'sk-test-key-0123456789';
const env = { OPENAI_API_KEY: KEY };
const { serve } = liveHarness();

/** A WAV of `seconds` of a 440 Hz tone, 24 kHz mono 16-bit. */
function wav(seconds: number): string {
  const n = Math.round(24000 * seconds);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 24000)), 2 * i);
  const p = join(tmp(), 'talk.wav');
  writeFileSync(p, Buffer.concat([wavHeader(24000, data.length), data]));
  return p;
}

const types = (received: string[]) => received.map((m) => JSON.parse(m).type);
const audioBytes = (received: string[], type: string) =>
  received.map((m) => JSON.parse(m)).filter((e) => e.type === type).reduce((n, e) => n + Buffer.from(e.audio, 'base64').length, 0);

/**
 * A GPT-Live server as PROTOCOL.md §9 describes it: silent until the client's session.start, which it answers
 * with session.started after `delay` ms; it notes how many client frames came before that. It ends the session
 * (session.closed, close 1000) once `audioBytes` of input audio have arrived.
 */
async function liveServer(o: { delay?: number; audioBytes?: number } = {}) {
  const before: string[] = [];
  let started = false;
  let got = 0;
  const srv = await serve({
    close: 'stay',
    onMessage: (ws: WebSocket, text: string) => {
      const e = JSON.parse(text);
      if (!started) before.push(e.type);
      if (e.type === 'session.start') {
        setTimeout(() => {
          started = true;
          ws.send(JSON.stringify({ type: 'session.started', event_id: 'event_1', session: { id: 'live_abc', model: e.session?.model, audio: { format: { type: 'audio/pcm', rate: 24000 } } } }));
          if (!o.audioBytes) ws.send(JSON.stringify({ type: 'session.closed', event_id: 'event_2', reason: 'close_requested' }));
          if (!o.audioBytes) ws.close(1000);
        }, o.delay ?? 300);
      }
      if (e.type === 'session.input_audio.append') {
        got += Buffer.from(e.audio, 'base64').length;
        if (got >= (o.audioBytes ?? Infinity)) {
          ws.send(JSON.stringify({ type: 'session.closed', event_id: 'event_3', reason: 'close_requested', usage: { seconds: 1 } }));
          ws.close(1000);
        }
      }
    },
  });
  return { srv, before, url: `ws://127.0.0.1:${srv.port}/v1/live/sessions` };
}

describe('rtev tail live: GPT-Live connections', () => {
  it('refuses --say (GPT-Live takes audio) with exit 2, before connecting', async () => {
    const { srv, url } = await liveServer();
    const r = await rtevProcess(['tail', url, '--no-record', '--say', 'hello'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rtev: --say sends a text message, but GPT-Live takes audio: use --audio FILE.wav\n');
    expect(srv.headers).toHaveLength(0);
  });

  it('sends session.start first, nothing else until session.started, then --audio as session.input_audio.append', async () => {
    const { srv, before, url } = await liveServer({ delay: 400, audioBytes: 48000 });
    const file = join(tmp(), 'live.jsonl');
    const r = await rtevProcess(['tail', url, '--record', file, '--time', 'none', '--audio', wav(1), '--audio-speed', 'max', '--instructions', 'Be brief.', '--voice', 'marin'], { env });
    expect(r.code, r.stderr).toBe(0);
    // Only session.start went before session.started, though the audio was ready at once.
    expect(before).toEqual(['session.start']);
    expect(JSON.parse(srv.received[0]!)).toEqual({ type: 'session.start', session: { model: 'gpt-live-1', instructions: 'Be brief.', audio: { output: { voice: 'marin' } } } });
    expect(new Set(types(srv.received.slice(1)))).toEqual(new Set(['session.input_audio.append']));
    expect(audioBytes(srv.received, 'session.input_audio.append')).toBe(48000); // 1 s at 24 kHz, 16-bit: no commit, no response.create
    expect(srv.headers[0]!.authorization).toBe(`Bearer ${KEY}`);
    // Shown and recorded with GPT-Live's catalogue.
    expect(r.stdout).toMatch(/^↑ session\.start +gpt-live-1 voice=marin "Be brief\."$/m);
    expect(r.stdout).toMatch(/^↓ session\.started +live_abc gpt-live-1 pcm$/m);
    const cat = await rtevProcess(['cat', '--json', file]);
    const tagged = cat.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(tagged.map((t) => t.protocol))).toEqual(new Set(['live']));
    expect(tagged.every((t) => t.variant !== 'Unknown')).toBe(true);
    expect((await rtevProcess(['check', file])).code).toBe(0);
  });

  it('sends the session.start of --send FILE instead of building one, and the rest of the file after session.started', async () => {
    const { srv, before, url } = await liveServer({ delay: 200 });
    const events = join(tmp(), 'start.jsonl');
    writeFileSync(events, '{"type":"session.start","session":{"model":"gpt-live-2","instructions":"From a file."}}\n{"type":"session.instructions.append","content":"More.","delegation_id":null}\n');
    const r = await rtevProcess(['tail', url, '--no-record', '--send', events, '--timeout', '2'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(before).toEqual(['session.start']);
    expect(JSON.parse(srv.received[0]!).session).toEqual({ model: 'gpt-live-2', instructions: 'From a file.' });
    expect(types(srv.received)).toEqual(['session.start', 'session.instructions.append']);
  });

  it('rtev record live sends session.start too, and records the session as GPT-Live', async () => {
    const { srv, before } = await liveServer({ delay: 50 });
    const file = join(tmp(), 'rec.jsonl');
    const r = await rtevProcess(['record', 'live', '-o', file, '--voice', 'cedar'], { env: { ...env, OPENAI_BASE_URL: `http://127.0.0.1:${srv.port}/v1` } });
    expect(r.code, r.stderr).toBe(0);
    expect(before).toEqual(['session.start']);
    expect(JSON.parse(srv.received[0]!).session).toEqual({ model: 'gpt-live-1', audio: { output: { voice: 'cedar' } } });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].rtev.source).toBe(`ws://127.0.0.1:${srv.port}/v1/live/sessions`);
    expect(lines.slice(1, -1).map((l) => [l.dir, l.event.type])).toEqual([['client', 'session.start'], ['server', 'session.started'], ['server', 'session.closed']]);
  });

  it('rtev tail live connects to …/v1/live/sessions under OPENAI_BASE_URL, with --model', async () => {
    const { srv } = await liveServer({ delay: 10 });
    const r = await rtevProcess(['tail', 'live', '--no-record', '--model', 'gpt-live-1-mini', '--timeout', '2'], { env: { ...env, OPENAI_BASE_URL: `http://127.0.0.1:${srv.port}/v1` } });
    expect(r.code, r.stderr).toBe(0);
    expect(srv.paths).toEqual(['/v1/live/sessions']);
    expect(JSON.parse(srv.received[0]!)).toEqual({ type: 'session.start', session: { model: 'gpt-live-1-mini' } });
  });

  it('--attach observes a running session through its sideband: sends nothing, tags what it sees as GPT-Live', async () => {
    const frames = [
      JSON.stringify({ type: 'session.updated', event_id: 'e1', session: { id: 'live_run', model: 'gpt-live-1' } }),
      JSON.stringify({ type: 'session.input_audio.append', audio: Buffer.alloc(4800).toString('base64') }),
      JSON.stringify({ type: 'session.output_transcript.delta', delta: 'Hello', start_ms: 100, end_ms: 400 }),
    ];
    const srv = await serve({ frames, gap: 5 });
    const file = join(tmp(), 'attach.jsonl');
    const r = await rtevProcess(['tail', 'live', '--attach', 'live_run', '--record', file, '--time', 'none'], { env: { ...env, OPENAI_BASE_URL: `http://127.0.0.1:${srv.port}/v1` } });
    expect(r.code, r.stderr).toBe(0);
    expect(srv.paths).toEqual(['/v1/live/sessions/live_run/attach']);
    expect(srv.received).toEqual([]);
    expect(r.stdout).toContain('↓ session.input_audio.append               0.10 s audio, 4.8 KB');
    expect(r.stdout).toContain('↓ session.output_transcript.delta          "Hello" (0.10–0.40 s)');
    const meta = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!);
    expect(meta.rtev.source).toBe(`ws://127.0.0.1:${srv.port}/v1/live/sessions/live_run/attach`);
    for (const args of [['--audio', wav(0.1)], ['--voice', 'marin'], ['--say', 'x']]) {
      const bad = await rtevProcess(['tail', 'live', '--attach', 'live_run', ...args], { env });
      expect(bad.code, args.join(' ')).toBe(2);
    }
  });
});

describe('rtev tail translate: Realtime Translation connections', () => {
  it('asks for the language of --to, then streams --audio as session.input_audio_buffer.append', async () => {
    let got = 0;
    const srv = await serve({
      close: 'stay',
      frames: [JSON.stringify({ type: 'session.created', event_id: 'e1', session: { id: 'sess_1', type: 'translation', model: 'gpt-realtime-translate', expires_at: 0, audio: {} } })],
      onMessage: (ws, text) => {
        const e = JSON.parse(text);
        if (e.type !== 'session.input_audio_buffer.append') return;
        got += Buffer.from(e.audio, 'base64').length;
        if (got >= 24000) ws.close(1000);
      },
    });
    const r = await rtevProcess(['tail', 'translate', '--no-record', '--to', 'es', '--audio', wav(0.5), '--audio-speed', 'max', '--time', 'none'], { env: { ...env, OPENAI_BASE_URL: `http://127.0.0.1:${srv.port}/v1` } });
    expect(r.code, r.stderr).toBe(0);
    expect(srv.paths).toEqual(['/v1/realtime/translations?model=gpt-realtime-translate']);
    expect(JSON.parse(srv.received[0]!)).toEqual({ type: 'session.update', session: { audio: { output: { language: 'es' } } } });
    expect(new Set(types(srv.received.slice(1)))).toEqual(new Set(['session.input_audio_buffer.append']));
    expect(audioBytes(srv.received, 'session.input_audio_buffer.append')).toBe(24000);
    expect(r.stdout).toMatch(/^↓ session\.created +sess_1 gpt-realtime-translate$/m);
    expect(r.stdout).toMatch(/^↑ session\.update +asks → es$/m);
  });

  it('refuses options of the other protocols', async () => {
    expect((await rtevProcess(['tail', 'translate', '--voice', 'marin'], { env })).stderr).toBe('rtev: --voice applies to GPT-Live (rtev tail live --voice …), not to Realtime Translation\n');
    expect((await rtevProcess(['tail', 'live', '--to', 'es'], { env })).stderr).toBe('rtev: --to applies to Realtime Translation (rtev tail translate --to es), not to GPT-Live\n');
    expect((await rtevProcess(['tail', 'live', '--call-id', 'rtc_1'], { env })).code).toBe(2);
  });
});

describe('the beta shutdown, answered as OpenAI does (101, an error event, close 4000)', () => {
  /** A server that accepts the upgrade, then refuses a client that sends `OpenAI-Beta`. */
  const betaServer = (withError: boolean) => serve({
    close: 'stay',
    onConnection: (ws, req) => {
      if (!req.headers['openai-beta']) return void ws.send(JSON.stringify({ type: 'session.created', event_id: 'e0', session: { type: 'realtime', model: 'gpt-realtime' } }));
      if (withError) ws.send(JSON.stringify({ type: 'error', event_id: 'e1', error: { type: 'invalid_request_error', code: 'beta_api_shape_disabled', message: 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.' } }));
      ws.close(4000, withError ? '' : 'beta');
    },
  });

  it('tail explains it in one line, and check finds it in the recording', async () => {
    for (const withError of [true, false]) {
      const srv = await betaServer(withError);
      const file = join(tmp(), 'beta.jsonl');
      const r = await rtevProcess(['tail', srv.url, '--record', file, '--header', 'OpenAI-Beta: realtime=v1', '--time', 'none'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n').filter((l) => l === `rtev: ${BETA_SHUTDOWN}`)).toHaveLength(1);
      expect(r.stderr).toMatch(/the server closed the connection with 4000/);
      const check = await rtevProcess(['check', file]);
      expect(check.code).toBe(1);
      expect(check.stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: beta-shutdown: ${BETA_SHUTDOWN}$`, 'm'));
      expect(check.stdout.match(/beta-shutdown/g)).toHaveLength(1);
    }
  });

  it('says nothing of the kind to a client without the beta header', async () => {
    const srv = await betaServer(true);
    const r = await rtevProcess(['tail', srv.url, '--no-record', '--timeout', '1'], { env });
    expect(r.stderr).not.toContain('beta');
  });
});
