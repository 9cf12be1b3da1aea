// rtev/capture: the in-process recorder an app imports, checked through the package's own export.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecording, type Recording } from 'rtev/capture';
import { ROOT, rtev, tmp } from './helpers.js';
import { liveHarness } from './server.js';

const { serve } = liveHarness();

describe('rtev/capture', () => {
  it('a script records its session: rtev stats reads it back with the right counts and the script\'s timestamps', async () => {
    const file = join(tmp(), 'sub', 'app.jsonl');
    const out = execFileSync(process.execPath, [join(ROOT, 'test', 'capture-app.mjs'), file], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toBe('8\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stats = JSON.parse((await rtev(['stats', '--json', file])).stdout);
    expect(stats).toMatchObject({
      events: 7, malformed: 0, frames: { text: 0, binary: 1 }, directions: { server: 6, client: 1 },
      span: { first: '2026-01-02T03:04:05.000Z', last: '2026-01-02T03:04:07.000Z' }, // events only
      responses: { total: 1, status: { completed: 1 } },
      usage: { input_tokens: 10, output_tokens: 20 },
      audio: { output_seconds: 0.3 },
    });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ dir: 'meta', rtev: { command: 'capture', source: 'capture-app' } });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ dir: 'meta', rtev: { end: 'closed', code: 1000, frames: 8 } });
    expect(lines[1]).toBe('{"ts":"2026-01-02T03:04:05.000Z","dir":"server","event":{"type":"session.created","event_id":"e1","session":{"model":"gpt-realtime"}}}');
    expect(lines.at(-2)).toBe('{"ts":"2026-01-02T03:04:07.500Z","dir":"server","binary":"AQID"}');
    const cat = await rtev(['cat', '--time', 'abs', file]);
    expect(cat.stdout.split('\n')[1]).toBe('03:04:05.100 ↑ response.create');
  });

  it('is typed, never overwrites a file unless told to, and ignores frames after close', async () => {
    const file = join(tmp(), 'x.jsonl');
    writeFileSync(file, 'precious\n');
    await expect(openRecording(file)).rejects.toThrow(/exists; choose another file or add --force/);
    const rec: Recording = await openRecording(file, { force: true });
    rec.client('plain text');
    expect(() => rec.server('{}', { ts: 'not a time' })).toThrow(TypeError);
    await rec.close();
    rec.server('{"type":"late"}');
    expect(rec.frames).toBe(1);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('precious');
    expect(text).not.toContain('late');
    expect(text).toContain('"dir":"client","text":"plain text"');
  });

  it("hooks openai-node's realtime client as the README shows: the server's frames byte for byte, the app's events", async () => {
    const created = '{"type":"session.created","event_id":"e1","session":{"model":"gpt-realtime"}}';
    const srv = await serve({ frames: [created], close: 'stay', echo: true });
    const file = join(tmp(), 'node.jsonl');
    const script = `
      import net from 'node:net';
      import OpenAI from 'openai';
      import { OpenAIRealtimeWS } from 'openai/realtime/ws';
      import { openRecording } from 'rtev/capture';
      const client = new OpenAI({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:${srv.port}/v1' });
      const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { createConnection: (o) => net.connect(Number(o.port), o.host) } }, client);
      // As in the README:
      const rec = await openRecording(${JSON.stringify(file)}, { source: 'my-app' });
      rt.socket.prependListener('message', (data, isBinary) => rec.server(data, { binary: isBinary }));
      const send = rt.send.bind(rt);
      rt.send = (event) => { rec.client(event); send(event); };
      rt.socket.on('close', (code, reason) => rec.close({ code, reason: reason.toString() }));
      rt.on('session.created', () => rt.send({ type: 'response.create' }));
      rt.on('response.create', () => rt.close());`;
    const code = await new Promise<number>((resolve) => spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'inherit' }).on('close', resolve));
    expect(code).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.dir} ${l.event?.type ?? ''}`)).toEqual(['meta ', 'server session.created', 'client response.create', 'server response.create', 'meta ']);
    expect(readFileSync(file, 'utf8')).toContain(`"event":${created}}`);
    expect(lines.at(-1).rtev).toMatchObject({ end: 'closed', code: 1000, frames: 3 });
  });
});
