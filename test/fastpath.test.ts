// The byte scanner against a plain JSON.parse reference: same frames, same stats, same filter selections, on
// a generated capture made awkward on purpose (reordered keys, whitespace, escapes, nested "type" fields).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Frame, ID_RANGE, type FieldName, type NumberName } from '../src/events/frame.js';
import { Checker } from '../src/pipeline/check.js';
import { PriceBook } from '../src/session/cost.js';
import { SessionModels } from '../src/session/model.js';
import { compileFilter, type FilterSpec } from '../src/pipeline/filter.js';
import { Tally } from '../src/pipeline/tally.js';
import { readFrames } from '../src/sources/read.js';
import { MalformedReport } from '../src/sources/report.js';
import { ROOT, tmp } from './helpers.js';

/** A frame built from JSON.parse alone: what the scanner must agree with. */
class RefFrame extends Frame {
  override field(name: FieldName): string | undefined {
    const v = this.json()?.[name];
    return typeof v === 'string' ? v : undefined;
  }
  override num(name: NumberName): number | undefined {
    const v = this.json()?.[name];
    return typeof v === 'number' ? v : undefined;
  }
  override eventIdBytes(): Buffer | null {
    const v = this.json()?.event_id;
    if (typeof v !== 'string') return null;
    const b = Buffer.from(v);
    ID_RANGE[0] = 0;
    ID_RANGE[1] = b.length;
    return b;
  }
  override audioBytes(): number {
    const e = this.json();
    const b64 = typeof e?.delta === 'string' ? e.delta : typeof e?.audio === 'string' ? e.audio : '';
    return Buffer.from(b64, 'base64').length;
  }
}

function refFrames(source: string, text: string): { frames: Frame[]; malformed: number } {
  const frames: Frame[] = [];
  let malformed = 0;
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: any;
    try { v = JSON.parse(line); } catch { malformed++; return; }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) { malformed++; return; }
    const make = (kind: 'event' | 'text' | 'binary', value: unknown, type: string, dir: any, ts: any) => {
      const buf = Buffer.from(JSON.stringify(value));
      const f = new RefFrame(source, i + 1, buf, 0, buf.length, kind, buf, 0, buf.length, type, dir, -1, -1, null);
      Object.defineProperty(f, 'ts', { value: typeof ts === 'string' ? ts : null });
      Object.defineProperty(f, 'time', { value: typeof ts === 'string' ? Date.parse(ts) : NaN });
      f.seq = frames.length + 1;
      frames.push(f);
    };
    if ('type' in v) { if (typeof v.type !== 'string') malformed++; else make('event', v, v.type, null, null); return; }
    if (v.dir === 'meta') return;
    if (v.event && typeof v.event.type === 'string') make('event', v.event, v.event.type, v.dir, v.ts);
    else if (typeof v.text === 'string') make('text', v.text, '', v.dir, v.ts);
    else if (typeof v.binary === 'string') make('binary', v.binary, '', v.dir, v.ts);
    else malformed++;
  });
  return { frames, malformed };
}

// JSON with spaces everywhere a serialiser might put them.
function spaced(v: unknown): string {
  if (Array.isArray(v)) return `[ ${v.map(spaced).join(' , ')} ]`;
  if (v && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)} :\t${spaced(x)}`).join(' , ')} }`;
  return JSON.stringify(v);
}

// Type last: nested objects with their own "type" (item, part, session) now come before the top-level one.
function typeLast(e: any): any {
  const { type, ...rest } = e;
  return { ...rest, type };
}

function awkward(line: string, i: number): string {
  const rec = JSON.parse(line);
  const e = rec.event;
  switch (i % 6) {
    case 1: return JSON.stringify({ event: typeLast(e), dir: rec.dir, ts: rec.ts });
    case 2: return spaced(rec);
    case 3:
      if (typeof e.delta === 'string' && e.type.endsWith('audio.delta')) {
        // An escaped solidus in base64 is valid JSON and must not change the measured length.
        const body = JSON.stringify({ ts: rec.ts, dir: rec.dir, event: e });
        return body.replace(/"delta":"([^"]*)"/, (_m, d: string) => `"delta":"${d.replace(/\//g, '\\/')}"`);
      }
      if (typeof e.delta === 'string') e.delta += ' say \\"hi\\" é \u2603';
      return JSON.stringify(rec);
    case 4: {
      // A type with a \u escape, which must be decoded, not sliced.
      const body = JSON.stringify(rec);
      return body.replace(`"type":"${e.type}"`, `"type":"${e.type.replace('.', '\\u002e')}"`);
    }
    case 5: return JSON.stringify(e); // a bare event among recording lines
    default: return line;
  }
}

describe('fast path against the JSON.parse reference', () => {
  const gen = execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), '--turns', '60', '--client', '--seed', '7'], { maxBuffer: 1 << 30 }).toString();
  const lines = gen.trimEnd().split('\n').map(awkward);
  lines.splice(100, 0, 'garbage', '{"type":"x"', '[1,2]', '{"dir":"server","event":{"no":"type"}}', '{"type":"response.made.up","n":1}');
  lines.splice(300, 0, '{"ts":"2026-11-25T12:00:10.000Z","dir":"server","text":"not json"}', '{"ts":"2026-11-25T12:00:10.000Z","dir":"server","binary":"AAECAw=="}');
  // Events check must find fault with, each from the scanner's fields (never parsed) where it can: a repeated
  // event id, wrong kinds, indexes that disagree, a delta after its done.
  const audioDelta = gen.split('\n').map((l) => (l ? JSON.parse(l) : null)).find((r) => r?.event?.type === 'response.output_audio.delta').event;
  const { response_id: R, item_id: I, event_id: E } = audioDelta;
  lines.push(
    JSON.stringify({ type: 'response.output_audio_transcript.delta', event_id: E, response_id: R, item_id: I, output_index: 1.5, content_index: 0, delta: 5 }),
    `{"type":"response.output_audio_transcript.delta","event_id":"ev_\\u0041","response_id":"${R}","item_id":"${I}","output_index":7,"content_index":1e0,"delta":"late \\u00e9"}`,
    '{"type":"response.output_audio_transcript.delta","event_id":"ev_A","response_id":"r_x","item_id":"i_x","output_index":-0,"content_index":"0","delta":null}',
    '{"type":"input_audio_buffer.speech_started","event_id":"ev_s","audio_start_ms":"12","item_id":3}',
    `{"type":"response.output_audio.delta","event_id":"ev_a","response_id":"${R}","item_id":"${I}","output_index":0,"content_index":2,"delta":"AAAA"}`,
    '{"type":"response.output_audio.delta","event_id":"ev_b","response_id":"r_y","item_id":"i_y","output_index":0,"content_index":0,"delta":"AA","delta":{}}',
  );
  const text = lines.join('\n') + '\n';
  const path = join(tmp(), 'awkward.jsonl');
  writeFileSync(path, text);

  async function fast() {
    const report = new MalformedReport(() => {});
    const stdin = new PassThrough();
    stdin.end();
    const frames: Frame[] = [];
    for await (const b of readFrames([path], { stdin, report })) frames.push(...b);
    return { frames, malformed: report.count };
  }

  it('finds the same frames, types, directions, timestamps, ids and audio lengths', async () => {
    const a = await fast();
    const b = refFrames(path, text);
    expect(a.malformed).toBe(b.malformed);
    expect(a.malformed).toBe(4);
    expect(a.frames.length).toBe(b.frames.length);
    expect(a.frames.length).toBeGreaterThan(2000);
    const view = (f: Frame) => [f.line, f.kind, f.type, f.direction, f.ts, f.field('response_id'), f.field('item_id'), f.field('call_id'), f.field('event_id'), /audio\.delta|append/.test(f.type) ? f.audioBytes() : null];
    for (let i = 0; i < a.frames.length; i++) expect(view(a.frames[i]!), `line ${a.frames[i]!.line}`).toEqual(view(b.frames[i]!));
    expect(a.frames.some((f) => f.type === 'response.made.up')).toBe(true);
  });

  it('gives the same stats', async () => {
    const a = await fast();
    const b = refFrames(path, text);
    const ta = new Tally();
    const tb = new Tally();
    a.frames.forEach((f) => ta.add(f));
    b.frames.forEach((f) => tb.add(f));
    const sa = ta.result([path], a.malformed);
    expect(sa).toEqual(tb.result([path], b.malformed));
    expect(sa.audio.output_seconds).toBeGreaterThan(10);
    // Bare events among the lines have no timestamp, so some turns cannot be timed.
    expect(sa.latency_ms.response_duration.count).toBeGreaterThan(30);
  });

  it('selects the same lines for every kind of filter', async () => {
    const a = await fast();
    const b = refFrames(path, text);
    const someItem = b.frames.find((f) => f.type === 'response.output_audio.delta')!.field('item_id')!;
    const someResp = b.frames.find((f) => f.type === 'response.output_audio.delta')!.field('response_id')!;
    const specs: FilterSpec[] = [
      { type: ['response.done'] }, { type: ['*.delta'] }, { type: ['ResponseOutputAudioDelta'] }, { family: ['transcription'] },
      { dir: 'client' }, { item: someItem }, { response: someResp }, { errors: true }, { unknown: true },
      { exclude: ['response.output_audio.delta,input_audio_buffer.append'] }, { since: '10s', until: '20s' },
    ];
    for (const spec of specs) {
      const pa = compileFilter(spec);
      const pb = compileFilter(spec);
      const sel = a.frames.filter(pa).map((f) => f.line);
      expect(sel, JSON.stringify(spec)).toEqual(b.frames.filter(pb).map((f) => f.line));
      expect(sel.length, JSON.stringify(spec)).toBeGreaterThan(0);
    }
  });

  it('gives the same check findings, though most events are checked unparsed', async () => {
    const a = await fast();
    const b = refFrames(path, text);
    const run = (frames: Frame[]) => {
      const c = new Checker();
      frames.forEach((f) => c.add(f));
      return { findings: c.finish(), counts: c.counts, old: c.possibleOldDuplicates };
    };
    const ra = run(a.frames);
    expect(ra).toEqual(run(b.frames));
    // Each fault above is found (a broken fast path finds different ones, or none).
    for (const rule of ['duplicate-event-id', 'field-type', 'index-mismatch', 'delta-after-done']) expect(ra.counts, rule).toHaveProperty(rule);
    expect(ra.findings.filter((f) => f.rule === 'duplicate-event-id').length).toBe(2);
    // Most events never reach JSON.parse.
    const parsed = a.frames.filter((f) => (f as unknown as { parsed: unknown }).parsed !== undefined).length;
    expect(parsed).toBeLessThan(a.frames.length / 2);
  });

  it('gives the same turns and sessions (speech events and delta runs are read unparsed)', async () => {
    const a = await fast();
    const b = refFrames(path, text);
    const run = (frames: Frame[]) => {
      const turns: unknown[] = [];
      const m = new SessionModels({ prices: new PriceBook(), keepText: true, onTurn: (t) => turns.push(t) });
      frames.forEach((f) => m.add(f));
      return { sessions: m.finish(), turns };
    };
    const ra = run(a.frames);
    expect(ra.turns.length).toBeGreaterThan(30);
    expect(JSON.stringify(ra.turns)).toContain('"audio_start_ms":');
    expect(ra).toEqual(run(b.frames));
  });
});
