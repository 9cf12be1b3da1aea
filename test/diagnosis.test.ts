// The turn model and what reads it: turns, session, stats' new keys, cost, transcript, diff. Every expected
// number below is worked out by hand from test/make-diagnosis-fixture.mjs (times in ms after 12:00:00.000;
// G.711 µ-law audio, 8,000 bytes per second; gpt-realtime rates per million tokens: text in 4, cached 0.4, text
// out 16, audio in 32, cached 0.4, audio out 64).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, rtev, rtevProcess } from './helpers.js';

const diag = fixture('diagnosis.jsonl');
const real = fixture('real-beta-webrtc-session.jsonl');
const at = (ms: number) => new Date(Date.UTC(2026, 10, 25, 12) + ms).toISOString();

const usage = (o: Partial<Record<string, number>>) => ({
  input_tokens: 0, output_tokens: 0, total_tokens: 0, input_text_tokens: 0, input_audio_tokens: 0, input_image_tokens: 0,
  cached_tokens: 0, cached_text_tokens: 0, cached_audio_tokens: 0, cached_image_tokens: 0,
  output_text_tokens: 0, output_audio_tokens: 0, reasoning_tokens: 0, ...o,
});

/** The six turns of the fixture, by hand. */
const EXPECTED = [
  {
    // Normal. Speech stops at 2500 (audio clock 500 → 2000: 1500 ms); response.created at 2800 (300 ms); first
    // audio at 3000 (500 ms); done at 3500 (700 ms after created). 4 deltas × 4,000 B = 2 s, all heard.
    // resp_1: uncached text 70×4 + audio 180×32 + cached 50×0.4 + text out 30×16 + audio out 120×64 = 14,220 µ$.
    // resp_oob1 (out of band: in usage and cost, not in latency): 400×4 + 20×16 = 1,920 µ$. Turn: 16,140 µ$.
    turn: 1, start: at(1000), seq: 4, input: 'speech', user_item_id: 'item_u1', user_transcript: 'What time is it?', speech_ms: 1500,
    response_ids: ['resp_1'], status: 'completed', status_reason: null,
    latency_ms: { response: 300, first_audio: 500, duration: 700, tool_wait: null },
    tools: [], audio_ms: { generated: 2000, heard: 2000 }, interrupted: false,
    usage: usage({ input_tokens: 700, output_tokens: 170, total_tokens: 870, input_text_tokens: 500, input_audio_tokens: 200, cached_tokens: 50, cached_text_tokens: 30, cached_audio_tokens: 20, output_text_tokens: 50, output_audio_tokens: 120 }),
    cost_usd: 0.01614, errors: [], out_of_band: [{ response_id: 'resp_oob1', status: 'completed', cost_usd: 0.00192 }], flags: [],
  },
  {
    // Slow: stop 11000 → created 11400 (400) → first audio 13000 (2000 > 1500) → done 13200 (1800). 2 × 4,000 B = 1 s.
    // No cached details: 200×4 + 300×32 + 20×16 + 80×64 = 15,840 µ$.
    turn: 2, start: at(10000), seq: 22, input: 'speech', user_item_id: 'item_u2', user_transcript: 'And tomorrow?', speech_ms: 1200,
    response_ids: ['resp_2'], status: 'completed', status_reason: null,
    latency_ms: { response: 400, first_audio: 2000, duration: 1800, tool_wait: null },
    tools: [], audio_ms: { generated: 1000, heard: 1000 }, interrupted: false,
    usage: usage({ input_tokens: 500, output_tokens: 100, total_tokens: 600, input_text_tokens: 200, input_audio_tokens: 300, output_text_tokens: 20, output_audio_tokens: 80 }),
    cost_usd: 0.01584, errors: [], out_of_band: [], flags: ['slow'],
  },
  {
    // Tool: arguments done 21500, output sent by the client 24500: 3000 ms. First audio 24800 (3800 after the stop
    // at 21000). created 21200 → last done 25000 (3800). 3 × 4,000 B = 1.5 s.
    // resp_3a, no cached details (200 cached count as text): 100×4 + 300×32 + 200×0.4 + 30×16 = 10,560 µ$.
    // resp_3b: 200×4 + 150×32 + (150 + 200)×0.4 + 40×16 + 160×64 = 16,620 µ$ (10 reasoning tokens are text out).
    turn: 3, start: at(20000), seq: 32, input: 'speech', user_item_id: 'item_u3', user_transcript: 'Weather in Paris?', speech_ms: 1000,
    response_ids: ['resp_3a', 'resp_3b'], status: 'completed', status_reason: null,
    latency_ms: { response: 200, first_audio: 3800, duration: 3800, tool_wait: 3000 },
    tools: [{ name: 'get_weather', call_id: 'call_1', arguments: '{"city":"Paris"}', wait_ms: 3000 }],
    audio_ms: { generated: 1500, heard: 1500 }, interrupted: false,
    usage: usage({ input_tokens: 1300, output_tokens: 230, total_tokens: 1530, input_text_tokens: 650, input_audio_tokens: 650, cached_tokens: 550, cached_text_tokens: 350, cached_audio_tokens: 200, output_text_tokens: 70, output_audio_tokens: 160, reasoning_tokens: 10 }),
    cost_usd: 0.02718, errors: [], out_of_band: [], flags: ['slow', 'tool_dead_air'],
  },
  {
    // Interrupted: 4 × 8,000 B = 4 s generated; truncated at 780 ms; the next speech (32280) comes while the
    // response is in progress. stop 31000 → created 31300 (300) → first audio 31500 (500) → done 32300 (1000).
    // 300×4 + 500×32 + 50×16 + 200×64 = 30,800 µ$.
    turn: 4, start: at(30000), seq: 51, input: 'speech', user_item_id: 'item_u4', user_transcript: 'Tell me a story.', speech_ms: 1000,
    response_ids: ['resp_4'], status: 'cancelled', status_reason: 'turn_detected',
    latency_ms: { response: 300, first_audio: 500, duration: 1000, tool_wait: null },
    tools: [], audio_ms: { generated: 4000, heard: 780 }, interrupted: true,
    usage: usage({ input_tokens: 800, output_tokens: 250, total_tokens: 1050, input_text_tokens: 300, input_audio_tokens: 500, output_text_tokens: 50, output_audio_tokens: 200 }),
    cost_usd: 0.0308, errors: [], out_of_band: [], flags: ['interrupted'],
  },
  {
    // Short barge-in: 31300 → 31700 on the audio clock = 400 ms < 500, and it interrupted turn 4.
    // stop 32700 → created 32900 (200) → first audio 33100 (400) → done 33200 (300). 4,000 B = 0.5 s.
    // 300×4 + 500×32 + 100×0.4 + 12×16 + 48×64 = 20,504 µ$.
    turn: 5, start: at(32280), seq: 63, input: 'speech', user_item_id: 'item_u5', user_transcript: 'Wait.', speech_ms: 400,
    response_ids: ['resp_5'], status: 'completed', status_reason: null,
    latency_ms: { response: 200, first_audio: 400, duration: 300, tool_wait: null },
    tools: [], audio_ms: { generated: 500, heard: 500 }, interrupted: false,
    usage: usage({ input_tokens: 900, output_tokens: 60, total_tokens: 960, input_text_tokens: 400, input_audio_tokens: 500, cached_tokens: 100, cached_text_tokens: 100, output_text_tokens: 12, output_audio_tokens: 48 }),
    cost_usd: 0.020504, errors: [], out_of_band: [], flags: ['short_barge_in'],
  },
  {
    // Typed text (its id from the server's echo); response.create at 40010 → created 40100 (90) → failed 40200
    // (100). No audio over WebSocket: 0 ms, not null. The error names the client's session.update (#79).
    turn: 6, start: at(40000), seq: 74, input: 'text', user_item_id: 'item_u6', user_transcript: 'Book a flight.', speech_ms: null,
    response_ids: ['resp_6'], status: 'failed', status_reason: 'rate_limit_exceeded',
    latency_ms: { response: 90, first_audio: null, duration: 100, tool_wait: null },
    tools: [], audio_ms: { generated: 0, heard: 0 }, interrupted: false,
    usage: usage({}), cost_usd: 0,
    errors: [
      { code: 'rate_limit_exceeded', message: 'Rate limit reached.', caused_by: null },
      { code: 'invalid_value', message: "Invalid value: 'nope'.", caused_by: { seq: 79, type: 'session.update', event_id: 'evt_su2' } },
    ],
    out_of_band: [], flags: ['failed'],
  },
];

const lines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('rtev turns', () => {
  it('gives every field of every turn of the known capture (real CLI, subprocess)', async () => {
    const r = await rtevProcess(['turns', '--json', diag]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const turns = lines(r.stdout);
    expect(turns).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(turns[i], `turn ${i + 1}`).toEqual(EXPECTED[i]);
    // The documented keys, in order.
    expect(Object.keys(turns[0])).toEqual(['turn', 'start', 'seq', 'input', 'user_item_id', 'user_transcript', 'speech_ms', 'response_ids', 'status',
      'status_reason', 'latency_ms', 'tools', 'audio_ms', 'interrupted', 'usage', 'cost_usd', 'errors', 'out_of_band', 'flags']);
  });

  it('names the slow turns, their cause and the summary in the table', async () => {
    const r = await rtev(['turns', diag]);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n');
    expect(rows[0]).toMatch(/^ +# time +user +speech +response +1st audio +tool wait +heard\/generated +status +tokens +cost flags$/);
    expect(rows[2]).toMatch(/^ +2 12:00:10\.000 +"And tomorrow\?" +1\.20 s +400 ms +2\.00 s +– +1\.00 s completed +600 +\$0\.0158 slow\(model\)$/);
    expect(rows[3]).toMatch(/ 3\.80 s +3\.00 s +1\.50 s completed .* slow\(tool\) tool_dead_air$/);
    expect(rows[4]).toMatch(/"Tell me a story\." .* 0\.78\/4\.00 s cancelled turn_detected .* interrupted$/);
    expect(rows[5]).toMatch(/ short_barge_in$/);
    expect(rows[6]).toMatch(/failed rate_limit_exceeded .* failed$/);
    expect(rows[7]).toBe('6 turns: 1 interrupted, 2 slow, 1 failed, 1 short barge-in, 1 tool dead air · first audio p50 500 ms, p90 3.80 s · 5,010 tokens · $0.1105');
    expect(rows[8]).toBe('slowest: turn 3, first audio 3.80 s (200 ms to response.created, 3.00 s tool wait); most of it waiting for the tool');
  });

  it('--slow moves the threshold', async () => {
    const turns = lines((await rtev(['turns', '--json', '--slow', '450', diag])).stdout);
    // first audio: 500, 2000, 3800, 500, 400, null
    expect(turns.map((t) => t.flags.includes('slow'))).toEqual([true, true, true, true, false, false]);
  });

  it('keeps a turn when any of its events passes the filter', async () => {
    const errors = lines((await rtev(['turns', '--json', '--errors', diag])).stdout);
    expect(errors.map((t) => t.turn)).toEqual([6]);
    const truncated = lines((await rtev(['turns', '--json', '--type', 'conversation.item.truncated', diag])).stdout);
    expect(truncated.map((t) => t.turn)).toEqual([4]);
    const tool = lines((await rtev(['turns', '--json', '--response', 'resp_3b', diag])).stdout);
    expect(tool.map((t) => t.turn)).toEqual([3]);
  });

  it('on the real beta session: 54 turns, the 17 turn_detected cancellations among the interrupted', async () => {
    const turns = lines((await rtev(['turns', '--json', real])).stdout);
    expect(turns).toHaveLength(54);
    expect(turns.flatMap((t) => t.response_ids)).toHaveLength(54);
    const cancelled = turns.filter((t) => t.status === 'cancelled' && t.status_reason === 'turn_detected');
    expect(cancelled).toHaveLength(17);
    expect(cancelled.every((t) => t.interrupted && t.flags.includes('interrupted'))).toBe(true);
    // Six more were interrupted while their audio still played: output_audio_buffer.audio_cleared after a
    // completed (5) or incomplete (1) response (turns 3, 4, 7, 16, 31, 36 of the capture, counted by hand).
    expect(turns.filter((t) => t.interrupted && t.status !== 'cancelled').map((t) => t.turn)).toEqual([3, 4, 7, 16, 31, 36]);
    // WebRTC: no audio deltas, so no audio figures; no timestamps, so no latency.
    expect(turns.every((t) => t.audio_ms.generated === null && t.audio_ms.heard === null && t.latency_ms.response === null)).toBe(true);
    expect(turns.filter((t) => t.flags.includes('failed'))).toHaveLength(18);
    // Under 500 ms of speech (audio clock) that interrupted the turn before; turns 2, 24, 47, 48 and 52 are as
    // short but interrupted nothing.
    expect(turns.filter((t) => t.flags.includes('short_barge_in')).map((t) => t.turn)).toEqual([4, 5, 17, 37, 54]);
    // speech_ms from the raw events, by a plain JSON.parse: stop − start of each speech item, in order.
    const raw = readLines(real).map((l) => JSON.parse(l));
    const starts = new Map(raw.filter((e) => e.type === 'input_audio_buffer.speech_started').map((e) => [e.item_id, e.audio_start_ms]));
    const speech = raw.filter((e) => e.type === 'input_audio_buffer.speech_stopped').map((e) => e.audio_end_ms - starts.get(e.item_id));
    expect(turns.map((t) => t.speech_ms)).toEqual(speech);
    expect(turns.filter((t) => t.speech_ms < 500).map((t) => t.turn)).toEqual([2, 4, 5, 17, 24, 37, 47, 48, 52, 54]);
  });
});

describe('stats reads the model', () => {
  it('adds turns, first audio and tool wait latency, cost, unfinished and out-of-band responses', async () => {
    const r = await rtevProcess(['stats', '--json', diag]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.turns).toEqual({ total: 6, interrupted: 1, slow: 2, failed: 1, short_barge_in: 1, tool_dead_air: 1 });
    expect(s.responses).toEqual({
      total: 8, status: { completed: 6, cancelled: 1, failed: 1 }, cancel_reasons: { turn_detected: 1 }, incomplete_reasons: {},
      fail_codes: { rate_limit_exceeded: 1 }, out_of_band: 1,
    });
    // first audio: 500, 2000, 3800, 500, 400 → sorted 400, 500, 500, 2000, 3800
    expect(s.latency_ms.first_audio).toEqual({ count: 5, p50: 500, p90: 3800, max: 3800 });
    expect(s.latency_ms.tool_wait).toEqual({ count: 1, p50: 3000, p90: 3000, max: 3000 });
    // Sums of the per-response figures above (µ$): text in 6,280; audio in 61,760; cached 280; text out 3,232;
    // audio out 38,912; total 110,464.
    expect(s.cost_usd).toEqual({ total: 0.110464, input_text: 0.00628, input_audio: 0.06176, cached: 0.00028, output_text: 0.003232, output_audio: 0.038912, input_image: 0, model: 'gpt-realtime' });
    expect(s.errors).toEqual({ rate_limit_exceeded: 1, invalid_value: 1 });
    expect(s.usage.reasoning_tokens).toBe(10);
    // 2 + 1 + 1.5 + 4 + 0.5 s of µ-law out; one 1 s append in.
    expect(s.audio).toEqual({ output_seconds: 9, input_seconds: 1, output_bytes: 72000, input_bytes: 8000 });
    expect(s.usage.transcription_tokens).toBe(50);
  });

  it('counts a response created but never done as unfinished', async () => {
    const cut = readLines(diag).slice(0, 60).join('\n'); // ends after resp_4's deltas, before its done
    const s = JSON.parse((await rtev(['stats', '--json'], { stdin: cut })).stdout);
    // resp_1, resp_oob1, resp_2, resp_3a, resp_3b done; resp_4 created, never done.
    expect(s.responses.total).toBe(6);
    expect(s.responses.status).toEqual({ completed: 5, unfinished: 1 });
    const turns = lines((await rtev(['turns', '--json'], { stdin: cut })).stdout);
    expect(turns.at(-1)).toMatchObject({ turn: 4, status: 'unfinished', latency_ms: { duration: null } });
  });

  it('on the real beta session: rate_limit_exceeded 18, and null output audio over WebRTC', async () => {
    const r = await rtev(['stats', '--json', real]);
    const s = JSON.parse(r.stdout);
    expect(s.errors).toEqual({ rate_limit_exceeded: 18 });
    expect(s.responses.total).toBe(54);
    expect(s.audio.output_seconds).toBeNull();
    expect((await rtev(['stats', real])).stdout).toMatch(/audio {7}out n\/a \(audio over WebRTC\), in 0\.00 s/);
    // errors count exactly what --errors selects
    const selected = await rtev(['filter', '--errors', '--count', real]);
    expect(Number(selected.stdout)).toBe(18);
  });

  it('puts the headline first', async () => {
    const out = (await rtev(['stats', diag])).stdout;
    const head = out.split('\n').slice(4, 9);
    expect(head).toEqual([
      'responses   8: 6 completed, 1 cancelled (turn_detected 1), 1 failed (rate_limit_exceeded 1), 1 out of band',
      'turns       6: 1 interrupted, 2 slow, 1 failed, 1 short barge-in, 1 tool dead air',
      'latency     first audio p50 500 ms, p90 3.80 s · response p50 300 ms, p90 400 ms · tool wait p50 3.00 s, p90 3.00 s',
      'cost        $0.1105 for gpt-realtime (text in $0.0063, audio in $0.0618, cached $0.0003, text out $0.0032, audio out $0.0389)',
      'errors      rate_limit_exceeded 1, invalid_value 1',
    ]);
    expect(out.indexOf('responses ')).toBeLessThan(out.indexOf('↓ session.created'));
  });
});

function readLines(p: string): string[] {
  return readFileSync(p, 'utf8').trim().split('\n');
}

describe('the turn model at the edges', () => {
  /** A recording of server events, each `[ms after 12:00, type, fields]`. */
  const capture = (events: [number, string, object][]) =>
    events.map(([ms, type, e]) => JSON.stringify({ ts: at(ms), dir: 'server', event: { type, ...e } })).join('\n') + '\n';
  const session = { session: { id: 'sess_1', object: 'realtime.session', type: 'realtime', model: 'gpt-realtime' } };
  const usage100 = { total_tokens: 110, input_tokens: 100, output_tokens: 10, input_token_details: { text_tokens: 100, audio_tokens: 0 }, output_token_details: { text_tokens: 10, audio_tokens: 0 } };
  const resp = (id: string, status: string, extra: object = {}) => ({ response: { object: 'realtime.response', id, status, status_details: null, output: [], conversation_id: 'conv_1', usage: null, ...extra } });
  const turnsOf = async (text: string) => {
    const r = await rtev(['turns', '--json'], { stdin: text });
    expect(r.code, r.stderr).toBe(0);
    return lines(r.stdout);
  };

  it('an out-of-band response before the first turn starts none: the first turn holds it, and its cost', async () => {
    const text = capture([
      [0, 'session.created', session],
      [100, 'response.created', resp('resp_oob', 'in_progress', { conversation_id: null })],
      [200, 'response.done', resp('resp_oob', 'completed', { conversation_id: null, usage: usage100 })],
      [1000, 'input_audio_buffer.speech_started', { item_id: 'item_u1', audio_start_ms: 1000 }],
      [2000, 'input_audio_buffer.speech_stopped', { item_id: 'item_u1', audio_end_ms: 2000 }],
      [2300, 'response.created', resp('resp_1', 'in_progress')],
      [2600, 'response.done', resp('resp_1', 'completed', { usage: usage100 })],
    ]);
    const turns = await turnsOf(text);
    // 100 × $4 + 10 × $16 per million tokens = $0.00056 per response; the turn has both.
    expect(turns.map((t) => [t.turn, t.input, t.start, t.response_ids, t.out_of_band, t.latency_ms.response, t.cost_usd, t.flags])).toEqual([
      [1, 'speech', at(1000), ['resp_1'], [{ response_id: 'resp_oob', status: 'completed', cost_usd: 0.00056 }], 300, 0.00112, []],
    ]);
    const s = JSON.parse((await rtev(['stats', '--json'], { stdin: text })).stdout);
    expect([s.turns.total, s.responses.out_of_band, s.cost_usd.total]).toEqual([1, 1, 0.00112]);
    // Without speech, the first turn starts at the first response in the conversation.
    const quiet = await turnsOf(capture([
      [0, 'session.created', session],
      [100, 'response.created', resp('resp_oob', 'in_progress', { conversation_id: null })],
      [200, 'response.done', resp('resp_oob', 'completed', { conversation_id: null })],
      [5000, 'response.created', resp('resp_1', 'in_progress')],
      [5500, 'response.done', resp('resp_1', 'completed')],
    ]));
    expect(quiet.map((t) => [t.turn, t.start, t.input, t.response_ids, t.out_of_band.map((o: any) => o.response_id)])).toEqual([
      [1, at(5000), 'none', ['resp_1'], ['resp_oob']],
    ]);
  });

  it("a capture that joined late counts a response's audio that came before the response was known", async () => {
    // 24,000 bytes of 24 kHz PCM16 (48,000 B/s): 500 ms, then a second response of 400 ms.
    const text = capture([
      [100, 'response.output_audio.delta', { response_id: 'resp_0', item_id: 'item_a0', output_index: 0, content_index: 0, delta: Buffer.alloc(24000).toString('base64') }],
      [300, 'response.done', resp('resp_0', 'completed')],
      [1000, 'input_audio_buffer.speech_started', { item_id: 'item_u1', audio_start_ms: 1000 }],
      [2000, 'input_audio_buffer.speech_stopped', { item_id: 'item_u1', audio_end_ms: 2000 }],
      [2200, 'response.created', resp('resp_1', 'in_progress')],
      [2300, 'response.output_audio.delta', { response_id: 'resp_1', item_id: 'item_a1', output_index: 0, content_index: 0, delta: Buffer.alloc(19200).toString('base64') }],
      [2600, 'response.done', resp('resp_1', 'completed')],
    ]);
    const turns = await turnsOf(text);
    expect(turns.map((t) => [t.response_ids, t.audio_ms])).toEqual([
      [['resp_0'], { generated: 500, heard: 500 }],
      [['resp_1'], { generated: 400, heard: 400 }],
    ]);
  });

  it('over WebRTC a turn without a response has no audio figures (null), as every other turn there', async () => {
    const text = capture([
      [0, 'session.created', session],
      [1000, 'input_audio_buffer.speech_started', { item_id: 'item_u1', audio_start_ms: 1000 }],
      [2000, 'input_audio_buffer.speech_stopped', { item_id: 'item_u1', audio_end_ms: 2000 }],
      [2100, 'response.created', resp('resp_1', 'in_progress')],
      [2200, 'output_audio_buffer.started', { response_id: 'resp_1' }],
      [2500, 'response.done', resp('resp_1', 'completed')],
      [3000, 'output_audio_buffer.stopped', { response_id: 'resp_1' }],
      [4000, 'input_audio_buffer.speech_started', { item_id: 'item_u2', audio_start_ms: 4000 }],
      [5000, 'input_audio_buffer.speech_stopped', { item_id: 'item_u2', audio_end_ms: 5000 }],
    ]);
    const turns = await turnsOf(text);
    expect(turns.map((t) => [t.response_ids, t.audio_ms, t.flags])).toEqual([
      [['resp_1'], { generated: null, heard: null }, []],
      [[], { generated: null, heard: null }, ['no_response']],
    ]);
  });
});
