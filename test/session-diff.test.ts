// rtev session (config over time, not applied), cost (built-in, --prices, unknown models), rtev diff, and what
// transcript and cat show from the turn model; robustness of the model's tallies and audio formats.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PriceBook, PricesError, parsePrices } from '../src/session/cost.js';
import { fixture, rtev, rtevProcess, tmp, ROOT } from './helpers.js';

const diag = fixture('diagnosis.jsonl');
const at = (ms: number) => new Date(Date.UTC(2026, 10, 25, 12) + ms).toISOString();
const rec = (ms: number, dir: string, event: object) => JSON.stringify({ ts: at(ms), dir, event });
const file = (name: string, lines: string[]) => {
  const p = join(tmp(), name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
};
const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('rtev session', () => {
  const ga = {
    type: 'realtime', model: 'gpt-realtime', audio: {
      input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: null, noise_reduction: null,
        turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 } },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
    },
  };
  const applied = { ...ga, audio: { ...ga.audio, input: { ...ga.audio.input, turn_detection: { ...ga.audio.input.turn_detection, silence_duration_ms: 200 } } } };
  const capture = (update: object) => file('session.jsonl', [
    rec(0, 'server', { type: 'session.created', event_id: 'e1', session: ga }),
    rec(10, 'client', { type: 'session.update', event_id: 'evt_1', session: update }),
    rec(60, 'server', { type: 'session.updated', event_id: 'e2', session: applied }),
  ]);

  it('flags exactly the transcription as not applied when only the silence took (real CLI, subprocess)', async () => {
    const p = capture({ type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 200 }, transcription: { model: 'whisper-1' } } } });
    const r = await rtevProcess(['session', '--json', p]);
    expect(r.code, r.stderr).toBe(0);
    const steps = JSON.parse(r.stdout);
    expect(steps.map((s: any) => [s.seq, s.ts, s.kind])).toEqual([[1, at(0), 'created'], [2, at(10), 'update'], [3, at(60), 'updated']]);
    expect(Object.keys(steps[0])).toEqual(['seq', 'ts', 'kind', 'config', 'changes', 'not_applied']);
    expect(steps[0].config.audio.input.turn_detection.silence_duration_ms).toBe(500);
    expect(steps[1].changes).toEqual([
      { path: 'audio.input.turn_detection.silence_duration_ms', from: 500, to: 200 },
      { path: 'audio.input.transcription.model', from: null, to: 'whisper-1' },
    ]);
    expect(steps[2].changes).toEqual([{ path: 'audio.input.turn_detection.silence_duration_ms', from: 500, to: 200 }]);
    expect(steps[2].not_applied).toEqual([{ path: 'audio.input.transcription.model', requested: 'whisper-1', applied: null }]);
  });

  it('without a session.created, a session.updated applies what it reports (not "no change")', async () => {
    const p = file('late.jsonl', [rec(60, 'server', { type: 'session.updated', event_id: 'e2', session: { type: 'realtime', model: 'gpt-realtime' } })]);
    const [e] = JSON.parse((await rtev(['session', '--json', p])).stdout);
    expect(e.changes).toEqual([{ path: 'type', from: null, to: 'realtime' }, { path: 'model', from: null, to: 'gpt-realtime' }]);
    const c = await rtev(['cat', '--time', 'none', p]);
    expect(c.stdout.trim()).toMatch(/session\.updated +applied type="realtime", model="gpt-realtime"$/);
  });

  it('maps a beta-shaped update to GA paths', async () => {
    const p = capture({ turn_detection: { type: 'server_vad', silence_duration_ms: 200 }, input_audio_transcription: { model: 'whisper-1' }, voice: 'marin', input_audio_format: 'pcm16' });
    const steps = JSON.parse((await rtev(['session', '--json', p])).stdout);
    expect(steps[1].changes.map((c: any) => c.path).sort()).toEqual(['audio.input.transcription.model', 'audio.input.turn_detection.silence_duration_ms']);
    expect(steps[2].not_applied).toEqual([{ path: 'audio.input.transcription.model', requested: 'whisper-1', applied: null }]);
  });

  it('shows the setting that did not apply, in a readable view', async () => {
    const p = capture({ type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 200 }, transcription: { model: 'whisper-1' } } } });
    const r = await rtev(['session', p]);
    expect(r.stdout).toContain('    turn detection   server_vad: threshold 0.5, silence 500 ms, prefix 300 ms');
    expect(r.stdout).toContain('    transcription    off');
    expect(r.stdout).toMatch(/↑ session\.update asks to change 2\n {4}audio\.input\.turn_detection\.silence_duration_ms +500 → 200\n {4}audio\.input\.transcription\.model +null → "whisper-1"/);
    expect(r.stdout).toContain('    NOT APPLIED audio.input.transcription.model: asked "whisper-1", got null');
    expect(r.stdout).toMatch(/1 update, 1 setting not applied\n$/);
  });

  it('on the real beta session: the config at session.created, beta fields mapped', async () => {
    const r = await rtev(['session', fixture('real-beta-webrtc-session.jsonl')]);
    expect(r.stdout).toContain('    model            gpt-4o-realtime-preview-2024-12-17');
    expect(r.stdout).toContain('    formats          in audio/pcm 24 kHz · out audio/pcm 24 kHz');
    expect(r.stdout).toContain('    turn detection   server_vad: threshold 0.5, silence 200 ms, prefix 300 ms');
    expect(r.stdout).toContain('session.updated changed nothing');
  });
});

describe('cost', () => {
  it('prices a --prices file by hand (missing rates are 0)', async () => {
    const prices = file('prices.json', [JSON.stringify({ 'gpt-realtime': { text_in: 1, audio_in: 10, text_out: 2, audio_out: 20 } })]);
    const s = JSON.parse((await rtev(['stats', '--json', '--prices', prices, diag])).stdout);
    // uncached text 1,570 × 1 + uncached audio 1,930 × 10 + text out 202 × 2 + audio out 608 × 20 = 33,434 µ$
    // (token sums over the fixture's responses; cached rates absent, so 0).
    expect(s.cost_usd).toEqual({ total: 0.033434, input_text: 0.00157, input_audio: 0.0193, cached: 0, output_text: 0.000404, output_audio: 0.01216, input_image: 0, model: 'gpt-realtime' });
    const turns = jsonLines((await rtev(['turns', '--json', '--prices', prices, diag])).stdout);
    // turn 4: 300 × 1 + 500 × 10 + 50 × 2 + 200 × 20 = 9,400 µ$
    expect(turns[3].cost_usd).toBe(0.0094);
  });

  it('gives null and one note for a model without a price', async () => {
    const p = file('unknown.jsonl', readFileSync(diag, 'utf8').trim().split('\n').map((l) => l.replaceAll('"model":"gpt-realtime"', '"model":"my-model"')));
    const r = await rtev(['stats', '--json', p]);
    expect(JSON.parse(r.stdout).cost_usd).toBeNull();
    expect(r.stderr).toBe('rtev: note: no price for model my-model; pass --prices FILE\n');
    const t = await rtev(['turns', '--json', p]);
    expect(jsonLines(t.stdout).map((x) => x.cost_usd)).toEqual([null, null, null, null, null, null]);
    expect(t.stderr).toBe('rtev: note: no price for model my-model; pass --prices FILE\n');
    const priced = file('p.json', [JSON.stringify({ 'my-model': { text_in: 4, text_cached: 0.4, text_out: 16, audio_in: 32, audio_cached: 0.4, audio_out: 64 } })]);
    const again = JSON.parse((await rtev(['stats', '--json', '--prices', priced, p])).stdout);
    expect(again.cost_usd.total).toBe(0.110464);
  });

  it('matches a model exactly or with a snapshot date, never by a bare prefix', () => {
    const book = new PriceBook();
    expect(book.lookup('gpt-realtime-2.1-mini')?.rates.text_out).toBe(2.4);
    expect(book.lookup('gpt-realtime-2.1')?.rates.text_out).toBe(24);
    expect(book.lookup('gpt-realtime-2025-08-28')?.model).toBe('gpt-realtime');
    expect(book.lookup('gpt-4o-realtime-preview-2024-12-17')?.model).toBe('gpt-4o-realtime-preview');
    expect(book.lookup('gpt-realtime-2.1-mini-2026-07-01')?.model).toBe('gpt-realtime-2.1-mini');
    expect(book.lookup('gpt-realtime-2.1-foo')).toBeNull();
    expect(book.lookup('gpt-realtime-20')).toBeNull();
    expect(book.lookup('gpt-realtime-mini-x')).toBeNull();
    expect(() => parsePrices({ m: { text_inn: 1 } }, 'f')).toThrow(PricesError);
  });

  it('refuses a bad --prices file as a usage error, in one line', async () => {
    const bad = file('bad.json', ['{"gpt-realtime": {"text_in": "four"}}']);
    const r = await rtev(['stats', '--prices', bad, diag]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rtev: --prices ${bad}: "gpt-realtime".text_in: expected a number ≥ 0 (USD per million tokens)\n`);
    expect((await rtev(['turns', '--prices', join(tmp(), 'nope.json'), diag])).code).toBe(2);
  });
});

describe('rtev diff', () => {
  it('compares two captures that differ in model and latency (real CLI, subprocess)', async () => {
    // B: the same calls on gpt-realtime-mini, every audio delta 1 s later.
    const b = file('b.jsonl', readFileSync(diag, 'utf8').trim().split('\n').map((l) => {
      const x = JSON.parse(l);
      if (x.event.type === 'response.output_audio.delta') x.ts = new Date(Date.parse(x.ts) + 1000).toISOString();
      return JSON.stringify(x).replaceAll('"model":"gpt-realtime"', '"model":"gpt-realtime-mini"');
    }));
    const r = await rtevProcess(['diff', '--json', diag, b]);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    const change = (m: string) => d.changes.find((c: any) => c.metric === m);
    // first audio A: 400, 500, 500, 2000, 3800; B: each + 1000
    expect(change('first_audio_p50_ms')).toEqual({ metric: 'first_audio_p50_ms', a: 500, b: 1500, delta: 1000, delta_pct: 200 });
    expect(change('first_audio_p90_ms')).toEqual({ metric: 'first_audio_p90_ms', a: 3800, b: 4800, delta: 1000, delta_pct: 26.3 });
    // response latency, all inputs: 90, 200, 200, 300, 300, 400 (nearest rank: the 3rd): unchanged
    expect(change('response_p50_ms')).toMatchObject({ a: 200, b: 200, delta: 0 });
    expect(change('turns')).toMatchObject({ a: 6, b: 6, delta: 0 });
    expect(change('interrupted_pct')).toMatchObject({ a: 16.7, b: 16.7 });
    expect(change('failed_pct')).toMatchObject({ a: 16.7, b: 16.7 });
    // 5,010 tokens / 6 turns
    expect(change('tokens_per_turn')).toMatchObject({ a: 835, b: 835 });
    // A: 110,464 µ$ / 6; B on mini: 1,570 × 0.6 + 1,930 × 10 + 480 × 0.06 + 220 × 0.3 + 202 × 2.4 + 608 × 20 = 32,981.6 µ$ / 6
    expect(change('cost_per_turn_usd')).toMatchObject({ a: 0.018411, b: 0.005497 });
    // per minute: over the 40.4 s span
    expect(change('cost_per_minute_usd')).toMatchObject({ a: 0.164055, b: 0.048983 });
    expect(change('output_audio_seconds')).toMatchObject({ a: 9, b: 9, delta: 0 });
    expect(d.config).toEqual([{ setting: 'model', a: 'gpt-realtime', b: 'gpt-realtime-mini' }]);
  });

  it('reads folders as groups, and prints a table', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.jsonl'), readFileSync(diag));
    writeFileSync(join(dir, 'b.jsonl'), readFileSync(fixture('real-beta-webrtc-session.jsonl')));
    const r = await rtev(['diff', dir, diag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sources +2 files +\/\S+/m);
    // The real session has no timestamps: its cost has no minutes to go with it.
    expect(r.stdout).toMatch(/^cost per minute +– +\$0\.1641$/m);
    expect(r.stdout).toMatch(/^sessions +2 +1$/m);
    expect(r.stdout).toMatch(/^turns +60 +6 +−54 \(−90\.0%\)$/m);
    expect(r.stdout).toMatch(/^model +gpt-realtime \| gpt-4o-realtime-previe… +gpt-realtime$/m);
    const empty = await rtev(['diff', tmp(), diag]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/a folder with no captures/);
  });
});

describe('transcript and cat read the model', () => {
  it('says what was heard of an interrupted reply, and cuts its text at that point', async () => {
    const out = (await rtev(['transcript', diag])).stdout;
    expect(out).toContain('assistant  interrupted after 0.78 s of 4.00 s (turn_detected): "Once upon a time ✂ there was a small robot who loved to sing and dance all day long."');
    const md = (await rtev(['transcript', '--markdown', diag])).stdout;
    expect(md).toContain('Once upon a time ~~there was a small robot who loved to sing and dance all day long.~~');
    const json = JSON.parse((await rtev(['transcript', '--json', diag])).stdout);
    expect(json[3].assistant[0]).toMatchObject({ status: 'cancelled', reason: 'turn_detected', generated_ms: 4000, heard_ms: 780 });
    // A reply that really produced no audio is still "cancelled before speaking" (the real beta session's #2).
    expect((await rtev(['transcript', fixture('real-beta-webrtc-session.jsonl')])).stdout).toContain('assistant  cancelled (turn_detected) before speaking');
  });

  it('leaves out-of-band responses out of the dialogue; --all lists them apart', async () => {
    const json = JSON.parse((await rtev(['transcript', '--json', diag])).stdout);
    expect(json[0].assistant.map((a: any) => a.response_id)).toEqual(['resp_1']);
    expect(json[0].out_of_band).toBeUndefined();
    expect((await rtev(['transcript', diag])).stdout).not.toContain('smalltalk');
    const all = await rtev(['transcript', '--all', diag]);
    expect(all.stdout).toContain('#1   00:01.0 user       "What time is it?"\n             assistant  "It is noon."\n             out-of-band "smalltalk"\n');
    const allJson = JSON.parse((await rtev(['transcript', '--json', '--all', diag])).stdout);
    expect(allJson[0].out_of_band.map((a: any) => [a.response_id, a.text])).toEqual([['resp_oob1', 'smalltalk']]);
  });

  it('cat shows the client event behind an error, the change a session.update asks, and colours outcomes', async () => {
    const r = await rtev(['cat', '--time', 'none', diag]);
    expect(r.stdout).toContain(`↓ error                                    invalid_request_error invalid_value (param session.audio.output.voice) ↩ #79 session.update: Invalid value: 'nope'.`);
    expect(r.stdout).toContain('↑ session.update                           asks audio.output.voice="nope"');
    expect(r.stdout).toContain('↑ session.update                           asks instructions="Be brief."');
    expect(r.stdout).toContain('↓ session.updated                          applied instructions="Be brief."');
    // The cause is found even when a filter hides the client event.
    expect((await rtev(['cat', '--time', 'none', '--type', 'error', diag])).stdout).toMatch(/↩ #79 session\.update: Invalid value: 'nope'\.\n$/);
    const colour = (await rtev(['cat', '--color', '--time', 'none', '--type', 'response.done', diag])).stdout.split('\n');
    expect(colour.find((l) => l.includes('resp_6'))).toMatch(/\x1b\[31mfailed rate_limit_exceeded/);
    expect(colour.find((l) => l.includes('resp_4'))).toMatch(/\x1b\[33mcancelled \(turn_detected\)/);
    expect(colour.find((l) => l.includes('resp_1 '))).not.toMatch(/\x1b\[3[13]m/);
  });
});

describe('robustness', () => {
  it('counts types, statuses and codes named like Object.prototype members', async () => {
    const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
    const lines = names.flatMap((n, i) => [
      JSON.stringify({ type: n, event_id: `u${i}` }),
      JSON.stringify({ type: 'error', event_id: `e${i}`, error: { code: n, message: 'x' } }),
      JSON.stringify({ type: 'response.created', event_id: `c${i}`, response: { id: `r${i}`, status: 'in_progress' } }),
      JSON.stringify({ type: 'response.done', event_id: `d${i}`, response: { id: `r${i}`, status: n, status_details: { reason: n } } }),
    ]);
    const r = await rtev(['stats', '--json', '-'], { stdin: lines.join('\n') });
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    const once = names.map((n) => [n, 1]);
    expect(Object.entries(s.unknown_types)).toEqual(once);
    expect(Object.entries(s.errors)).toEqual(once);
    expect(Object.entries(s.responses.status)).toEqual(once);
    expect(s.responses.total).toBe(5);
    const table = (await rtev(['stats', '-'], { stdin: lines.join('\n') })).stdout;
    expect(table).toContain('__proto__ 1');
    const turns = jsonLines((await rtev(['turns', '--json', '-'], { stdin: lines.join('\n') })).stdout);
    expect(turns.map((t) => t.status)).toEqual(names);
  });

  it('takes the GA rate and a session-named rate; never assumes 24 kHz for an unknown format', async () => {
    const delta = (id: string, bytes: number, ms: number) => rec(ms, 'server', { type: 'response.output_audio.delta', event_id: `d${ms}`, response_id: id, item_id: 'a', output_index: 0, content_index: 0, delta: Buffer.alloc(bytes).toString('base64') });
    const turn = (fmt: object) => [
      rec(0, 'server', { type: 'session.created', event_id: 's', session: { model: 'gpt-realtime', audio: { output: { format: fmt } } } }),
      rec(10, 'server', { type: 'response.created', event_id: 'c', response: { id: 'r1', status: 'in_progress' } }),
      delta('r1', 32000, 20),
      rec(30, 'server', { type: 'response.done', event_id: 'x', response: { id: 'r1', status: 'completed' } }),
    ];
    const pcm16k = JSON.parse((await rtev(['stats', '--json', file('16k.jsonl', turn({ type: 'audio/pcm', rate: 16000 }))])).stdout);
    expect(pcm16k.audio.output_seconds).toBe(1); // 32,000 B at 16 kHz PCM16
    const voiceLive = file('vl.jsonl', [
      rec(0, 'server', { type: 'session.created', event_id: 's', session: { model: 'gpt-realtime', input_audio_format: 'pcm16', input_audio_sampling_rate: 16000, output_audio_format: 'pcm16-16000hz' } }),
      rec(5, 'client', { type: 'input_audio_buffer.append', audio: Buffer.alloc(16000).toString('base64') }),
      rec(10, 'server', { type: 'response.created', event_id: 'c', response: { id: 'r1', status: 'in_progress' } }),
      delta('r1', 64000, 20),
    ]);
    const vl = JSON.parse((await rtev(['stats', '--json', voiceLive])).stdout);
    expect([vl.audio.input_seconds, vl.audio.output_seconds]).toEqual([0.5, 2]);
    const opus = file('opus.jsonl', [...turn({ type: 'audio/opus' }), delta('r1', 1000, 25)]);
    const r = await rtev(['stats', '--json', opus]);
    expect(JSON.parse(r.stdout).audio).toMatchObject({ output_seconds: null, output_bytes: 33000 });
    expect(r.stderr).toBe('rtev: note: audio in an unknown format (audio/opus): its length in seconds is not counted\n');
    const t = await rtev(['turns', '--json', opus]);
    expect(jsonLines(t.stdout)[0].audio_ms).toEqual({ generated: null, heard: null });
    expect((await rtev(['stats', opus])).stdout).toContain('audio       out n/a (an unknown audio format)');
  });

  it('over WebSocket, a turn whose audio is still playing is interrupted by the next speech', async () => {
    // Each reply: 4 s of PCM16 (192,000 B), first audio at +1000, done at +1200: it plays until +5000.
    const reply = (t0: number, n: number) => [
      rec(t0, 'server', { type: 'input_audio_buffer.speech_started', event_id: `s${n}`, audio_start_ms: t0, item_id: `u${n}` }),
      rec(t0 + 500, 'server', { type: 'input_audio_buffer.speech_stopped', event_id: `p${n}`, audio_end_ms: t0 + 800, item_id: `u${n}` }),
      rec(t0 + 800, 'server', { type: 'response.created', event_id: `c${n}`, response: { id: `r${n}`, status: 'in_progress' } }),
      rec(t0 + 1000, 'server', { type: 'response.output_audio.delta', event_id: `d${n}`, response_id: `r${n}`, item_id: `a${n}`, output_index: 0, content_index: 0, delta: Buffer.alloc(192000).toString('base64') }),
      rec(t0 + 1200, 'server', { type: 'response.done', event_id: `x${n}`, response: { id: `r${n}`, status: 'completed' } }),
    ];
    // Turn 2 starts at 4000 (turn 1 plays until 5000): interrupted. Turn 3 starts at 10000 (turn 2 ended at 9000): not.
    const p = file('ws.jsonl', [...reply(0, 1), ...reply(4000, 2), ...reply(10000, 3)]);
    const turns = jsonLines((await rtev(['turns', '--json', p])).stdout);
    expect(turns.map((t) => [t.status, t.interrupted, t.flags])).toEqual([
      ['completed', true, ['interrupted']], ['completed', false, []], ['completed', false, []],
    ]);
    expect(turns[0].audio_ms).toEqual({ generated: 4000, heard: 4000 });
  });

  it('leaves GPT-Live frames out of the Realtime turn model', async () => {
    const live = file('live.jsonl', [execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), '--protocol', 'live', '--turns', '3', '--client', '--no-audio']).toString().trim()]);
    const s = JSON.parse((await rtev(['stats', '--json', live])).stdout);
    expect(s.events).toBeGreaterThan(20);
    expect(s.turns.total).toBe(0);
    expect(s.responses.total).toBe(0);
    // Its turns are GPT-Live's own (src/session/live.ts): gaps between the two voices, no response latencies.
    const turns = jsonLines((await rtev(['turns', '--json', live])).stdout);
    expect(turns).toHaveLength(3);
    for (const t of turns) expect(Object.keys(t)).toEqual(expect.arrayContaining(['gap_ms', 'overlap_ms', 'user_ms', 'assistant_ms']));
    for (const t of turns) expect(t).not.toHaveProperty('latency_ms');
  });
});
