/**
 * The report's event log: one row per event with its time, direction, type and `cat`'s summary, runs of audio
 * collapsed as `cat` collapses them, and the JSON of each event for click-to-open. Both are bounded: rows within
 * a byte budget (errors are kept past it), the JSON within another; the page says what each budget left out.
 */
import type { Frame } from '../events/frame.js';
import type { AudioFormat, AudioFormats } from '../pipeline/audio-format.js';
import { escapeControls } from '../format/escape.js';
import { audioText, shortId, summarize } from '../format/summary.js';
import { ClientEvents, ERROR_EVENT_TYPES } from '../session/errors.js';
import type { ConfigEntry } from '../session/types.js';

/** The log as the page holds it: one array per column, one element per row (rows in capture order). */
export interface LogData {
  seq: number[];
  /** ms on the time line, or null without a timestamp. */
  t: (number | null)[];
  /** One character per row: `s` server, `c` client. */
  dir: string;
  type: number[];
  types: string[];
  family: number[];
  families: string[];
  ids: string[];
  text: string[];
  /** One character per row: ` ` plain, `e` an error, `w` something to look at. */
  tone: string;
  /** Events in the row (a collapsed run of audio has more than one). */
  n: number[];
  /** Index of the row's JSON in the JSON list, or -1 when the budget left it out. */
  json: number[];
  /** Events read, and those the row budget left out (errors are always kept). */
  events: number;
  omitted: number;
  firstOmittedSeq: number | null;
  jsonOmitted: number;
}

export interface LogBudget {
  rowBytes: number;
  jsonBytes: number;
}

const TEXT_MAX = 240;
/** Events above this size are parsed to leave their base64 audio out of the JSON; smaller ones cannot hold much. */
const SMALL = 4096;
const MAX_EXTRA_ERRORS = 10000;

interface Run { key: string; row: number; bytes: number; fmt: AudioFormat }
interface TextRun { row: number; text: string }

const isAudio = (t: string) => t === 'response.output_audio.delta' || t === 'input_audio_buffer.append';
/** Deltas of text that collapse into one row per item, with the text they add up to. */
const TEXT_DELTAS = new Set([
  'response.output_audio_transcript.delta', 'response.output_text.delta', 'conversation.item.input_audio_transcription.delta',
  'response.function_call_arguments.delta',
]);

export class EventLog {
  readonly data: LogData = {
    seq: [], t: [], dir: '', type: [], types: [], family: [], families: [], ids: [], text: [], tone: '', n: [], json: [],
    events: 0, omitted: 0, firstOmittedSeq: null, jsonOmitted: 0,
  };
  /** The events' JSON, audio left out. */
  readonly json: string[] = [];
  private readonly typeIndex = new Map<string, number>();
  private readonly familyIndex = new Map<string, number>();
  private readonly clients = new ClientEvents();
  private run: Run | null = null;
  /** Open runs of text deltas, by type and item (transcripts of both sides interleave). */
  private readonly textRuns = new Map<string, TextRun>();
  private rowBytes = 0;
  private jsonBytes = 0;
  private extraErrors = 0;
  private dir: string[] = [];
  private tone: string[] = [];

  constructor(private readonly budget: LogBudget, private readonly formats: AudioFormats) {}

  /**
   * One frame, at `atMs` on the time line, with `bytes` of audio; `config` is the configuration step it is, if
   * a session event.
   */
  add(f: Frame, atMs: number, bytes: number, config?: ConfigEntry): void {
    this.data.events++;
    const type = f.kind === 'event' ? f.tag.variant.type : '';
    if (f.kind === 'event' && f.tag.variant.protocol === 'realtime' && f.direction === 'client') this.clients.add(f);
    if (isAudio(type)) {
      const key = f.direction === 'client' ? 'client' : f.field('item_id') ?? '';
      if (this.run && this.run.key === key) {
        this.data.n[this.run.row]!++;
        this.run.bytes += bytes;
        return;
      }
      this.endRun();
      const fmt = this.formats.of(f);
      const row = this.row(f, atMs, type, { ids: [], text: '' }, fmt);
      if (row >= 0) this.run = { key, row, bytes, fmt };
      return;
    }
    if (TEXT_DELTAS.has(type)) return this.textDelta(f, atMs, type);
    // Other deltas (transcripts) may come between a run's chunks without ending it.
    if (!type.endsWith('.delta')) {
      this.endRun();
      this.endTextRuns();
    }
    this.row(f, atMs, type, null, this.formats.of(f), config);
  }

  /** A text delta: it joins the run of its item's deltas of its type, read from the scanner's fields. */
  private textDelta(f: Frame, atMs: number, type: string): void {
    const item = f.field('item_id') ?? '';
    const key = `${type} ${item}`;
    const delta = f.field('delta') ?? '';
    const run = this.textRuns.get(key);
    if (run) {
      this.data.n[run.row]!++;
      if (run.text.length <= TEXT_MAX) run.text += delta;
      return;
    }
    const ids = [f.field('response_id'), item || undefined].filter((x): x is string => !!x).map((x) => shortId(x, false));
    const row = this.row(f, atMs, type, { ids, text: textRunLine(1, delta) }, this.formats.of(f));
    if (row < 0) return;
    if (this.textRuns.size >= 64) this.endTextRuns();
    this.textRuns.set(key, { row, text: delta });
  }

  /** Runs of text end: each row gets the text its deltas add up to. */
  private endTextRuns(): void {
    for (const run of this.textRuns.values()) this.data.text[run.row] = textRunLine(this.data.n[run.row]!, run.text);
    this.textRuns.clear();
  }

  /** The end of the capture: a run still open is written. */
  finish(): LogData {
    this.endRun();
    this.endTextRuns();
    this.data.dir = this.dir.join('');
    this.data.tone = this.tone.join('');
    return this.data;
  }

  private endRun(): void {
    const r = this.run;
    if (!r) return;
    this.run = null;
    const n = this.data.n[r.row]!;
    this.data.text[r.row] = n === 1 ? audioText(r.bytes, r.fmt) : `×${n}, ${audioText(r.bytes, r.fmt)}`;
  }

  /** Adds a row (its summary computed unless given); -1 when the budget leaves it out. */
  private row(f: Frame, atMs: number, type: string, given: { ids: string[]; text: string } | null, fmt: AudioFormat, config?: ConfigEntry): number {
    const over = this.rowBytes > this.budget.rowBytes;
    // Past the budget only errors are kept: decide that before summarising (most events are not).
    if (over && !(ERROR_EVENT_TYPES.has(type) || type === 'response.done') ) return this.omit(f);
    const cause = type === 'error' && f.tag.variant.protocol === 'realtime' ? this.clients.find(f.tryJson()?.error?.event_id) : null;
    const s = given ?? summarize(f, fmt, false, { cause, config });
    const tone = ERROR_EVENT_TYPES.has(type) ? 'e' : (s as { tone?: string }).tone?.[0] ?? ' ';
    if (over) {
      if (tone !== 'e' || this.extraErrors >= MAX_EXTRA_ERRORS) return this.omit(f);
      this.extraErrors++;
    }
    const d = this.data;
    const text = s.text.length > TEXT_MAX ? s.text.slice(0, TEXT_MAX - 1) + '…' : s.text;
    const ids = s.ids.join(' ');
    const typeName = f.kind !== 'event' ? `(${f.kind})` : f.tag.known ? f.type : escapeControls(f.type);
    d.seq.push(f.seq);
    d.t.push(Number.isFinite(atMs) ? Math.round(atMs) : null);
    this.dir.push(f.direction === 'client' ? 'c' : 's');
    d.type.push(index(this.typeIndex, d.types, typeName));
    d.family.push(index(this.familyIndex, d.families, f.tag.variant.family));
    d.ids.push(ids);
    d.text.push(text);
    this.tone.push(tone);
    d.n.push(1);
    d.json.push(this.keepJson(f, fmt));
    this.rowBytes += text.length + ids.length + 24;
    return d.seq.length - 1;
  }

  private omit(f: Frame): number {
    this.data.omitted++;
    this.data.firstOmittedSeq ??= f.seq;
    return -1;
  }

  private keepJson(f: Frame, fmt: AudioFormat): number {
    if (this.jsonBytes > this.budget.jsonBytes) {
      this.data.jsonOmitted++;
      return -1;
    }
    const text = eventJson(f, fmt);
    this.jsonBytes += text.length;
    this.json.push(text);
    return this.json.length - 1;
  }
}

/** A run of text deltas: `×N "the text so far"`, escaped and cut. */
function textRunLine(n: number, text: string): string {
  const t = escapeControls(text);
  const q = `"${t.length > TEXT_MAX ? t.slice(0, TEXT_MAX - 1) + '…' : t}"`;
  return n === 1 ? q : `×${n} ${q}`;
}

function index(m: Map<string, number>, list: string[], name: string): number {
  let i = m.get(name);
  if (i === undefined) {
    i = list.length;
    list.push(name);
    m.set(name, i);
  }
  return i;
}

/**
 * An event's JSON as the page shows it: its own bytes when small, else parsed with base64 audio replaced by
 * `<N bytes, T s of audio>` and very long strings cut.
 */
export function eventJson(f: Frame, fmt: AudioFormat): string {
  const raw = f.eventBytes();
  // Base64 audio is never shown inline: audio events, and anything that may carry it, are parsed to leave it out.
  if (raw.length <= SMALL && !(f.kind === 'event' && isAudio(f.tag.variant.type)) && !raw.includes('"audio":"')) return raw.toString('utf8');
  let e: unknown;
  try {
    e = f.json();
  } catch {
    return JSON.stringify(`${raw.toString('utf8', 0, SMALL)}… (${raw.length} bytes, not valid JSON)`);
  }
  const audioKey = f.kind === 'event' && f.tag.variant.type === 'response.output_audio.delta' ? 'delta' : 'audio';
  return JSON.stringify(elide(e, fmt, '', audioKey));
}

/** `audioKey`: the field that carries base64 audio (`delta` in output audio deltas, `audio` elsewhere). */
function elide(v: unknown, fmt: AudioFormat, key: string, audioKey: string): unknown {
  if (typeof v === 'string') {
    if (key === audioKey || key === 'audio') {
      const bytes = Buffer.byteLength(v, 'base64');
      const secs = fmt.name === 'unknown' ? '' : `, ${(bytes / fmt.bytesPerSecond).toFixed(2)} s of audio`;
      return `<${bytes} bytes${secs}>`;
    }
    return v.length > SMALL ? `${v.slice(0, SMALL)}… (${v.length} characters)` : v;
  }
  if (Array.isArray(v)) return v.map((x) => elide(x, fmt, key, audioKey));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: elide(x, fmt, k, audioKey), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
