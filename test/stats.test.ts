import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, rtev, tmp, ROOT } from './helpers.js';
import { seconds } from '../src/format/summary.js';

const real = fixture('real-beta-webrtc-session.jsonl');
const json = async (...args: string[]) => {
  const r = await rtev(['stats', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('rtev stats', () => {
  it('counts the responses of the real beta session by outcome', async () => {
    const s = await json(real);
    expect(s.responses).toEqual({
      total: 54,
      status: { completed: 18, cancelled: 17, failed: 18, incomplete: 1 },
      cancel_reasons: { turn_detected: 17 },
      incomplete_reasons: { content_filter: 1 },
      fail_codes: { rate_limit_exceeded: 18 },
      out_of_band: 0,
    });
    expect(s.events).toBe(1344);
    expect(s.malformed).toBe(0);
    expect(s.unknown).toBe(0);
  });

  it('sums usage over every response.done (checked against a plain JSON.parse)', async () => {
    const s = await json(real);
    const done = readFileSync(real, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === 'response.done');
    const sum = (f: (u: any) => number | undefined) => done.reduce((a, e) => a + (f(e.response.usage ?? {}) ?? 0), 0);
    expect(s.usage).toEqual({
      input_tokens: sum((u) => u.input_tokens), output_tokens: sum((u) => u.output_tokens), total_tokens: sum((u) => u.total_tokens),
      cached_tokens: sum((u) => u.input_token_details?.cached_tokens),
      input_text_tokens: sum((u) => u.input_token_details?.text_tokens), input_audio_tokens: sum((u) => u.input_token_details?.audio_tokens),
      output_text_tokens: sum((u) => u.output_token_details?.text_tokens), output_audio_tokens: sum((u) => u.output_token_details?.audio_tokens),
      input_image_tokens: sum((u) => u.input_token_details?.image_tokens), reasoning_tokens: sum((u) => u.output_token_details?.reasoning_tokens),
      transcription_tokens: 0,
    });
    expect(s.usage.total_tokens).toBeGreaterThan(0);
  });

  it('folds beta names into their GA types and counts the beta names apart', async () => {
    const s = await json(real);
    expect(s.types['response.output_audio_transcript.delta']).toBe(808);
    expect(s.types['response.audio_transcript.delta']).toBeUndefined();
    expect(s.aliases['response.audio_transcript.delta']).toBe(808);
    expect(s.types['output_audio_buffer.started']).toBe(21);
    expect(s.aliases['output_audio_buffer.audio_started']).toBe(21);
    expect(s.types['conversation.item.created']).toBe(75);
    expect(Object.keys(s.aliases)).not.toContain('conversation.item.created');
    expect(s.span).toEqual({ first: null, last: null, seconds: null });
    expect(s.latency_ms.response_duration).toEqual({ count: 0, p50: null, p90: null, max: null });
    expect(s.rate_limits.min_remaining_tokens).toBe(101);
  });

  it('has the documented --json keys', async () => {
    const s = await json(real);
    expect(Object.keys(s)).toEqual(['sources', 'protocol', 'events', 'malformed', 'unknown', 'frames', 'directions', 'span', 'types', 'unknown_types', 'aliases', 'responses', 'turns', 'usage', 'audio', 'latency_ms', 'cost_usd', 'errors', 'rate_limits']);
    expect(Object.keys(s.latency_ms)).toEqual(['speech_stopped_to_response_created', 'response_created_to_first_delta', 'response_duration', 'first_audio', 'tool_wait']);
    expect(Object.keys(s.turns)).toEqual(['total', 'interrupted', 'slow', 'failed', 'short_barge_in', 'tool_dead_air']);
    expect(Object.keys(s.cost_usd)).toEqual(['total', 'input_text', 'input_audio', 'cached', 'output_text', 'output_audio', 'input_image', 'model']);
    expect(Object.keys(s.responses)).toEqual(['total', 'status', 'cancel_reasons', 'incomplete_reasons', 'fail_codes', 'out_of_band']);
    expect(Object.keys(s.usage)).toEqual(['input_tokens', 'output_tokens', 'total_tokens', 'cached_tokens', 'input_text_tokens', 'input_audio_tokens', 'input_image_tokens', 'output_text_tokens', 'output_audio_tokens', 'reasoning_tokens', 'transcription_tokens']);
    expect(Object.keys(s.audio)).toEqual(['output_seconds', 'input_seconds', 'output_bytes', 'input_bytes']);
  });

  it('measures latency and audio on a timed capture, as computed by hand', async () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 25, 12) + ms).toISOString();
    const r = (ms: number, dir: string, event: object) => JSON.stringify({ ts: at(ms), dir, event });
    const pcm = (n: number) => Buffer.alloc(n).toString('base64');
    const turn = (t0: number, id: string, stopToCreated: number, createdToDelta: number, duration: number) => [
      r(t0, 'server', { type: 'input_audio_buffer.speech_stopped', event_id: 'e', audio_end_ms: 1, item_id: 'u' }),
      r(t0 + stopToCreated, 'server', { type: 'response.created', event_id: 'e', response: { id, status: 'in_progress' } }),
      r(t0 + stopToCreated + createdToDelta, 'server', { type: 'response.output_audio.delta', event_id: 'e', response_id: id, item_id: 'a', output_index: 0, content_index: 0, delta: pcm(48000) }),
      r(t0 + stopToCreated + createdToDelta + 10, 'server', { type: 'response.output_audio.delta', event_id: 'e', response_id: id, item_id: 'a', output_index: 0, content_index: 0, delta: pcm(24000) }),
      r(t0 + stopToCreated + duration, 'server', { type: 'response.done', event_id: 'e', response: { id, status: 'completed', usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 } } }),
    ];
    const lines = [
      r(0, 'client', { type: 'input_audio_buffer.append', audio: pcm(4800) }),
      ...turn(1000, 'r1', 200, 300, 1000),
      ...turn(5000, 'r2', 400, 100, 3000),
      ...turn(10000, 'r3', 600, 500, 2000),
      r(20000, 'server', { type: 'rate_limits.updated', event_id: 'e', rate_limits: [{ name: 'tokens', limit: 100, remaining: 40, reset_seconds: 1 }] }),
    ];
    const p = join(tmp(), 'timed.jsonl');
    writeFileSync(p, lines.join('\n'));
    const s = await json(p);
    expect(s.latency_ms).toEqual({
      speech_stopped_to_response_created: { count: 3, p50: 400, p90: 600, max: 600 },
      response_created_to_first_delta: { count: 3, p50: 300, p90: 500, max: 500 },
      response_duration: { count: 3, p50: 2000, p90: 3000, max: 3000 },
      // speech stopped → first audio: 200 + 300, 400 + 100, 600 + 500
      first_audio: { count: 3, p50: 500, p90: 1100, max: 1100 },
      tool_wait: { count: 0, p50: null, p90: null, max: null },
    });
    // 3 × (48,000 + 24,000) bytes of 24 kHz PCM16 = 4.5 s out; 4,800 bytes in = 0.1 s.
    expect(s.audio).toEqual({ output_seconds: 4.5, input_seconds: 0.1, output_bytes: 216000, input_bytes: 4800 });
    expect(s.span).toEqual({ first: at(0), last: at(20000), seconds: 20 });
    expect(s.usage.total_tokens).toBe(45);
    expect(s.rate_limits.min_remaining_tokens).toBe(40);
    expect(s.directions).toEqual({ server: 16, client: 1 });
  });

  it('combines several sources, and gives each its own summary with --by-file', async () => {
    const one = await json(fixture('spec-ga-server-events.jsonl'));
    const two = await json(real);
    const both = await json(fixture('spec-ga-server-events.jsonl'), real);
    expect(both.events).toBe(one.events + two.events);
    expect(both.responses.total).toBe(one.responses.total + two.responses.total);
    expect(both.sources).toHaveLength(2);
    const byFile = await json('--by-file', fixture('spec-ga-server-events.jsonl'), real);
    expect(byFile.files.map((f: any) => f.events)).toEqual([one.events, two.events]);
    expect(byFile.events).toBe(both.events);
  });

  it('prints a readable table: grouped by family, with units', async () => {
    const r = await rtev(['stats', real]);
    expect(r.stdout).toContain('responses   54: 18 completed, 17 cancelled (turn_detected 17), 18 failed (rate_limit_exceeded 18), 1 incomplete (content_filter 1)');
    expect(r.stdout).toMatch(/audio_transcript\n↓ response\.output_audio_transcript\.delta +808 +\(808 as response\.audio_transcript\.delta\)/);
    // Once, in the headline: the latency section has nothing more to say.
    expect(r.stdout.split('latency     none (the capture has no timestamps)')).toHaveLength(2);
    const sample = await rtev(['stats', join(ROOT, 'recordings', 'sample.jsonl')]);
    expect(sample.stdout).toMatch(/audio {7}out \d+\.\d s, in \d+\.\d+ s/);
    expect(sample.stdout).toMatch(/speech stopped → response created +5 +\d+ ms/);
  });

  it('counts malformed lines and unknown types', async () => {
    const r = await rtev(['stats', '--json', '-'], { stdin: '{"type":"x.y","event_id":"e"}\nbad\n{"type":"error","event_id":"e","error":{"code":"c"}}\n' });
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ events: 2, malformed: 1, unknown: 1, unknown_types: { 'x.y': 1 }, errors: { c: 1 } });
    expect(r.stderr).toBe('stdin:2: not a JSON object\n');
  });
});

describe('durations for people', () => {
  it('keep two units past ten minutes, and no unit reads 60', () => {
    expect([9.996, 599.96, 659.7, 3599.6, 5400, 86399, 90000, 32_000_000].map(seconds)).toEqual([
      '10.0 s', '10 min 0 s', '11 min 0 s', '1 h 0 min', '1 h 30 min', '1 d 0 h', '1 d 1 h', '370 d 9 h',
    ]);
  });
});
