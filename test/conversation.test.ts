// transcript, audio and check on real and generated captures.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alawToLinear, linearToAlaw, linearToUlaw, ulawToLinear } from '../src/audio/wav.js';
import { fixture, rtev, tmp, ROOT } from './helpers.js';

const real = fixture('real-beta-webrtc-session.jsonl');
const gen = (...args: string[]) => execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), ...args], { maxBuffer: 1 << 30 }).toString();

describe('rtev transcript', () => {
  it('shows all 54 turns of the real beta session, in order, with their outcome', async () => {
    const r = await rtev(['transcript', '--json', real]);
    const turns = JSON.parse(r.stdout);
    expect(turns).toHaveLength(54);
    const replies = turns.flatMap((t: any) => t.assistant);
    expect(replies).toHaveLength(54);
    expect(replies.filter((x: any) => x.status === 'completed').slice(0, 3).map((x: any) => x.text)).toEqual([
      "Hey there! I'm doing great, thanks for asking. How about you?",
      "Glad to hear that! What's on your mind today?",
      "Sure, take your time! If there's anything you'd like to chat about or need help with, just let me know.",
    ]);
    expect(replies.filter((x: any) => x.status === 'cancelled' && x.reason === 'turn_detected')).toHaveLength(17);
    expect(replies.filter((x: any) => x.status === 'failed' && x.error === 'rate_limit_exceeded')).toHaveLength(18);
    expect(replies.filter((x: any) => x.status === 'incomplete')).toHaveLength(1);
    expect(turns.every((t: any) => t.user?.kind === 'speech')).toBe(true);

    const plain = (await rtev(['transcript', real])).stdout;
    expect(plain.match(/cancelled \(turn_detected\) before speaking|interrupted \(turn_detected\) after:/g)).toHaveLength(17);
    expect(plain.match(/failed: rate_limit_exceeded/g)).toHaveLength(18);
    expect(plain).toContain('#5           user       (speech, not transcribed)\n             assistant  interrupted (turn_detected) after: "Absolutely! What\'s on your mind?"');
  });

  it('shows user transcriptions, replies, and function calls with their output on a generated GA capture', async () => {
    const p = join(tmp(), 'ga.jsonl');
    writeFileSync(p, gen('--turns', '5', '--client', '--no-audio', '--seed', '3'));
    const turns = JSON.parse((await rtev(['transcript', '--json', p])).stdout);
    const events = readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
    const heard = events.filter((e) => e.type === 'conversation.item.input_audio_transcription.completed').map((e) => e.transcript);
    const said = events.filter((e) => e.type === 'response.output_audio_transcript.done').map((e) => e.transcript);
    expect(turns.map((t: any) => t.user.text)).toEqual(heard);
    expect(turns.slice(0, 4).map((t: any) => t.assistant[0].text)).toEqual(said);
    const call = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(turns[4].assistant[0].calls).toEqual([{ call_id: call.call_id, name: 'lookup_order', arguments: call.arguments, output: '{"status":"shipped"}' }]);
    expect(turns[0].at_ms).toBeGreaterThan(0);
    const md = (await rtev(['transcript', '--markdown', p])).stdout;
    expect(md).toContain(`### Turn 1 (`);
    expect(md).toContain(`**User:** ${heard[0]}`);
    expect(md).toContain('- tool call `lookup_order(');
  });

  it('takes typed messages from conversation.item.create', async () => {
    const lines = [
      { dir: 'client', event: { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi there' }] } } },
      { dir: 'server', event: { type: 'conversation.item.added', event_id: 'e1', item: { id: 'item_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi there' }] } } },
      { dir: 'server', event: { type: 'response.created', event_id: 'e2', response: { id: 'r1', status: 'in_progress' } } },
      { dir: 'server', event: { type: 'response.output_text.delta', event_id: 'e3', response_id: 'r1', item_id: 'a', output_index: 0, content_index: 0, delta: 'Hel' } },
      { dir: 'server', event: { type: 'response.output_text.delta', event_id: 'e4', response_id: 'r1', item_id: 'a', output_index: 0, content_index: 0, delta: 'lo!' } },
      { dir: 'server', event: { type: 'response.done', event_id: 'e5', response: { id: 'r1', status: 'completed' } } },
    ].map((l) => JSON.stringify({ ts: '2026-11-25T12:00:00.000Z', ...l })).join('\n');
    const r = await rtev(['transcript'], { stdin: lines });
    expect(r.stdout).toBe('#1   00:00.0 user       "hi there"\n             assistant  "Hello!"\n');
  });
});

describe('rtev audio', () => {
  const wavInfo = (p: string) => {
    const b = readFileSync(p);
    expect(b.toString('latin1', 0, 4)).toBe('RIFF');
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    expect(b.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(b.readUInt16LE(20)).toBe(1); // PCM
    expect(b.readUInt16LE(22)).toBe(1); // mono
    expect(b.readUInt16LE(34)).toBe(16);
    expect(b.toString('latin1', 36, 40)).toBe('data');
    expect(b.readUInt32LE(40)).toBe(b.length - 44);
    return { rate: b.readUInt32LE(24), bytes: b.readUInt32LE(40), data: b.subarray(44) };
  };

  it('writes one valid WAV per audio response, each as long as its base64 says', async () => {
    const p = join(tmp(), 'a.jsonl');
    writeFileSync(p, gen('--turns', '7', '--seed', '5'));
    const out = tmp();
    const r = await rtev(['audio', p, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const events = readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const byResponse = new Map<string, number>();
    for (const e of events.filter((x) => x.type === 'response.output_audio.delta')) {
      byResponse.set(e.response_id, (byResponse.get(e.response_id) ?? 0) + Buffer.from(e.delta, 'base64').length);
    }
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(byResponse.size);
    expect(byResponse.size).toBe(6); // 7 turns, one of them a function call without audio
    [...byResponse].forEach(([id, bytes], i) => {
      expect(files[i]).toBe(`${i + 1}_${id}.wav`);
      const w = wavInfo(join(out, files[i]!));
      expect(w).toMatchObject({ rate: 24000, bytes });
    });
    expect(r.stdout).toMatch(/6 files, [\d.]+ s of audio\n$/);
  });

  it('decodes G.711 µ-law and A-law to 16-bit PCM at 8 kHz, with the right number of samples', async () => {
    for (const [fmt, encode, decode] of [['audio/pcmu', linearToUlaw, ulawToLinear], ['audio/pcma', linearToAlaw, alawToLinear]] as const) {
      const coded = Buffer.from(Array.from({ length: 1600 }, (_, i) => encode(Math.round(10000 * Math.sin(i / 7)))));
      const lines = [
        { type: 'session.created', event_id: 'e0', session: { type: 'realtime', audio: { output: { format: { type: fmt } } } } },
        { type: 'response.output_audio.delta', event_id: 'e1', response_id: 'r1', item_id: 'i', output_index: 0, content_index: 0, delta: coded.subarray(0, 800).toString('base64') },
        { type: 'response.output_audio.delta', event_id: 'e2', response_id: 'r1', item_id: 'i', output_index: 0, content_index: 0, delta: coded.subarray(800).toString('base64') },
      ].map((e) => JSON.stringify(e)).join('\n');
      const out = tmp();
      const r = await rtev(['audio', '-', '-o', out], { stdin: lines });
      expect(r.stdout).toContain('0.20 s  8 kHz');
      const w = wavInfo(join(out, '1_r1.wav'));
      expect(w.rate).toBe(8000);
      expect(w.bytes).toBe(3200); // 1,600 samples
      for (let i = 0; i < 1600; i += 97) expect(w.data.readInt16LE(i * 2)).toBe(decode(coded[i]!));
      // A filter that drops the session event still leaves its format in force.
      const only = tmp();
      await rtev(['audio', '-', '-o', only, '--type', 'response.output_audio.delta'], { stdin: lines });
      expect(wavInfo(join(only, '1_r1.wav'))).toMatchObject({ rate: 8000, bytes: 3200 });
    }
  });

  it('decodes known G.711 bytes to their reference values', () => {
    expect([0xff, 0x7f, 0x00, 0x80, 0xf0, 0x70].map(ulawToLinear)).toEqual([0, 0, -32124, 32124, 120, -120]);
    expect([0xd5, 0x55, 0x2a, 0xaa].map(alawToLinear)).toEqual([8, -8, -32256, 32256]);
    expect(linearToUlaw(0)).toBe(0xff);
    expect(linearToAlaw(0)).toBe(0xd5);
  });

  it('joins the session into one WAV with silence where time passed, and writes the user audio with --input', async () => {
    const p = join(tmp(), 'j.jsonl');
    writeFileSync(p, gen('--turns', '2', '--client', '--seed', '2'));
    const out = tmp();
    const r = await rtev(['audio', p, '-o', out, '--join']);
    expect(r.code).toBe(0);
    const stats = JSON.parse((await rtev(['stats', '--json', p])).stdout);
    const w = wavInfo(join(out, 'session.wav'));
    expect(w.bytes / 48000).toBeGreaterThan(stats.audio.output_seconds + 1); // the gap before each response
    expect(w.bytes / 48000).toBeLessThanOrEqual(stats.span.seconds + stats.audio.output_seconds);
    const i = await rtev(['audio', p, '-o', out, '--input']);
    expect(i.code).toBe(0);
    expect(wavInfo(join(out, 'input.wav')).bytes).toBe(stats.audio.input_bytes);
  });

  it('says clearly when a capture has no audio deltas, and exits 1', async () => {
    const r = await rtev(['audio', real, '-o', tmp()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rtev: no audio in this capture (audio over WebRTC is not in the event stream)\n');
  });
});

describe('rtev check', () => {
  it('finds nothing in a clean generated capture, nor in the real beta session', async () => {
    const p = join(tmp(), 'clean.jsonl');
    writeFileSync(p, gen('--turns', '60', '--client', '--seed', '4'));
    const r = await rtev(['check', p]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('rtev check: 0 protocol errors, 0 warnings\n');
    expect(r.code).toBe(0);
    expect((await rtev(['check', real])).code).toBe(0);
  });

  it('asks beta captures only for fields beta required, even when the era is known only later', async () => {
    const beta = await rtev(['check', '--json', fixture('spec-beta-server-events.jsonl')]);
    expect(beta.stdout).not.toContain('missing-field');
    const completed = { type: 'conversation.item.input_audio_transcription.completed', event_id: 'e1', item_id: 'i', content_index: 0, transcript: 'hi' };
    const ga = [JSON.stringify(completed), JSON.stringify({ type: 'session.created', event_id: 'e2', session: { type: 'realtime' } })].join('\n');
    const r = await rtev(['check', '--json'], { stdin: ga });
    expect(JSON.parse(r.stdout)).toMatchObject({ line: 1, rule: 'missing-field', message: `${completed.type} has no "usage" (object)` });
  });

  it('reports exactly one finding per injected violation, at its line, and exits 1', async () => {
    const lines = gen('--turns', '6', '--client', '--seed', '9').trimEnd().split('\n');
    const at = (pred: (e: any) => boolean, from = 0) => lines.findIndex((l, i) => i >= from && pred(JSON.parse(l).event));
    const edit = (i: number, fn: (e: any) => void) => {
      const rec = JSON.parse(lines[i]!);
      fn(rec.event);
      lines[i] = JSON.stringify(rec);
    };
    const expected: [number, string][] = [];
    // unknown type
    let i = at((e) => e.type === 'input_audio_buffer.speech_started', 10);
    edit(i, (e) => { e.type = 'response.audio_buffer.speech_started'; });
    expected.push([i, 'unknown-type']);
    // missing field, and a field of the wrong type
    i = at((e) => e.type === 'response.output_item.added');
    edit(i, (e) => { delete e.output_index; });
    expected.push([i, 'missing-field']);
    i = at((e) => e.type === 'conversation.item.truncated' || e.type === 'input_audio_buffer.committed', i + 1);
    edit(i, (e) => { e.item_id = 42; });
    expected.push([i, 'field-type']);
    // a text delta that differs from the done transcript
    i = at((e) => e.type === 'response.output_audio_transcript.delta', i + 1);
    edit(i, (e) => { e.delta += 'X'; });
    expected.push([at((e) => e.type === 'response.output_audio_transcript.done', i), 'text-mismatch']);
    // a content_index that was never added
    i = at((e) => e.type === 'response.output_audio.done', i + 1);
    edit(i, (e) => { e.content_index = 3; });
    expected.push([i, 'index-mismatch']);
    // a duplicate event id
    const dupFrom = at((e) => e.type === 'rate_limits.updated');
    const dupTo = at((e) => e.type === 'rate_limits.updated', dupFrom + 1);
    edit(dupTo, (e) => { e.event_id = JSON.parse(lines[dupFrom]!).event.event_id; });
    expected.push([dupTo, 'duplicate-event-id']);
    // a delta after its done: copy a transcript delta to after the part's done
    const d = at((e) => e.type === 'response.output_audio_transcript.delta', dupTo);
    const done = at((e) => e.type === 'response.output_audio_transcript.done', d);
    const late = JSON.parse(lines[d]!);
    late.event.event_id = 'event_late';
    late.event.delta = '';
    lines.splice(done + 1, 0, JSON.stringify(late));
    expected.push([done + 1, 'delta-after-done']);
    // a response.done without its response.created
    const c = at((e) => e.type === 'response.created', done + 2);
    const id = JSON.parse(lines[c]!).event.response.id;
    lines.splice(c, 1);
    expected.forEach((x) => { if (x[0] > c) x[0]--; });
    expected.push([at((e) => e.type === 'response.done' && e.response.id === id), 'done-without-created']);
    // a response.created never done, and a beta name in this GA session: warnings
    lines.push(JSON.stringify({ ts: '2026-11-25T13:00:00.000Z', dir: 'server', event: { type: 'response.created', event_id: 'event_last', response: { id: 'resp_never', status: 'in_progress' } } }));
    expected.push([lines.length - 1, 'never-done']);
    lines.push(JSON.stringify({ ts: '2026-11-25T13:00:00.000Z', dir: 'server', event: { type: 'response.audio.done', event_id: 'event_beta', response_id: 'resp_never', item_id: 'x', output_index: 0, content_index: 0 } }));
    expected.push([lines.length - 1, 'beta-name'], [lines.length - 1, 'mixed-names']);

    const p = join(tmp(), 'bad.jsonl');
    writeFileSync(p, lines.join('\n') + '\n');
    const r = await rtev(['check', '--json', p]);
    expect(r.code).toBe(1);
    const found = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.line - 1, x.rule]);
    const sort = (a: [number, string][]) => [...a].sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
    expect(sort(found as [number, string][])).toEqual(sort(expected));
    expect(r.stderr).toMatch(/^rtev check: 8 protocol errors, 3 warnings \(/);
    const plain = await rtev(['check', p]);
    expect(plain.stdout).toContain(`${p}:${expected[0]![0] + 1}: unknown-type: unknown type "response.audio_buffer.speech_started"; did you mean "input_audio_buffer.speech_started"?`);
    expect(plain.stdout).toMatch(/: never-done: warning: resp_never was created but never done/);
  });
});

describe('rtev check on a capture that starts mid-session', () => {
  const ev = (o: object) => JSON.stringify(o);
  const late = [
    ev({ type: 'response.output_audio_transcript.delta', event_id: 'a1', response_id: 'resp_old', item_id: 'item_old', output_index: 0, content_index: 0, delta: 'hel' }),
    ev({ type: 'response.output_audio_transcript.delta', event_id: 'a2', response_id: 'resp_old', item_id: 'item_old', output_index: 0, content_index: 0, delta: 'lo' }),
    ev({ type: 'response.output_audio_transcript.done', event_id: 'a2b', response_id: 'resp_old', item_id: 'item_old', output_index: 0, content_index: 0, transcript: 'well, hello' }),
    ev({ type: 'response.done', event_id: 'a3', response: { id: 'resp_old', status: 'completed', output: [] } }),
    ev({ type: 'response.done', event_id: 'a4', response: { id: 'resp_older', status: 'completed', output: [] } }),
    ev({ type: 'response.created', event_id: 'a5', response: { id: 'resp_new', status: 'in_progress' } }),
    ev({ type: 'response.done', event_id: 'a6', response: { id: 'resp_new', status: 'completed', output: [] } }),
  ];

  it('warns joined-late once per response it never saw begin (whose text it saw only in part), and exits 0', async () => {
    const r = await rtev(['check', '--json'], { stdin: late.join('\n') + '\n' });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.line, x.rule, x.severity])).toEqual([
      [1, 'joined-late', 'warning'], [5, 'joined-late', 'warning'],
    ]);
    expect(r.stderr).toBe('rtev check: 0 protocol errors, 2 warnings (joined-late 2)\n');
  });

  it('still calls a response.done without its response.created an error once the session was seen to start', async () => {
    const started = [ev({ type: 'session.created', event_id: 's', session: { type: 'realtime' } }), ...late];
    const r = await rtev(['check', '--json'], { stdin: started.join('\n') + '\n' });
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).rule)).toEqual(['text-mismatch', 'done-without-created', 'done-without-created']);
  });

  it('suggests a type once per distinct unknown type, so many unknown events stay fast', async () => {
    const input = Array.from({ length: 40_000 }, (_, i) => ev({ type: 'respones.made_up_type_name', event_id: `u${i}` })).join('\n') + '\n';
    const t0 = performance.now();
    const r = await rtev(['check', '--json'], { stdin: input });
    const ms = performance.now() - t0;
    expect(r.stdout.split('\n')[0]).toContain('did you mean');
    expect(ms).toBeLessThan(3000);
  });
});
