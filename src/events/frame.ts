import { MAX_JSON_DEPTH, parseBounded } from './bounded-json.js';
import { classify, type Protocol, type Tag } from './catalogue.js';
import { Slot, Spans, scanObject, spanString, base64Bytes, hasEscape } from '../scan/scan.js';
import { isCanonicalIso, isoOf, isPlainIsoAt, timeMs } from './time.js';

export type FrameKind = 'event' | 'text' | 'binary';
export type FieldName = 'response_id' | 'item_id' | 'call_id' | 'event_id' | 'delta';
/** Number fields the scanner finds, for GPT-Live's and Translation's audio and transcript clocks. */
export type NumberName = 'start_ms' | 'end_ms' | 'elapsed_ms' | 'sample_rate' | 'audio_start_ms' | 'audio_end_ms';
const NUMBER_SLOTS = [Slot.start_ms, Slot.end_ms, Slot.elapsed_ms, Slot.sample_rate, Slot.audio_start_ms, Slot.audio_end_ms] as const;
const NUMBER_INDEX: Record<NumberName, number> = { start_ms: 0, end_ms: 1, elapsed_ms: 2, sample_rate: 3, audio_start_ms: 4, audio_end_ms: 5 };
/** Where `eventIdBytes` left the id: [start, end) in the buffer it returned. */
export const ID_RANGE = new Int32Array(2);
/** Bits of `esc` beyond the escape states: which of `delta` and `audio` the event has. */
const DELTA_KEY = 1 << 10, AUDIO_KEY = 1 << 11;

/** The top-level fields whose JSON kind a frame knows from the scanner (see `Frame.kindOf`). */
export type SpanField = FieldName | 'audio' | 'output_index' | 'content_index' | NumberName;
/** A JSON value's kind, as `rtev check` names them (integers apart from other numbers). */
export type JsonKind = 'string' | 'integer' | 'number' | 'object' | 'array' | 'null' | 'boolean';

/** The kind of the JSON value starting at `buf[s]`, a number's from its text (`1.0` and `1e2` are integers, as parsed). */
function kindAt(buf: Buffer, s: number, e: number): JsonKind {
  const c = buf[s]!;
  if (c === 0x22) return 'string';
  if (c === 0x7b) return 'object';
  if (c === 0x5b) return 'array';
  if (c === 0x6e) return 'null';
  if (c === 0x74 || c === 0x66) return 'boolean';
  return Number.isInteger(Number(buf.toString('latin1', s, e))) ? 'integer' : 'number';
}

/**
 * One frame of a capture: its raw bytes, where it came from, and what the scanner learnt cheaply (the spans
 * of a few top-level fields). Everything else is decoded or parsed lazily, only by the commands that must
 * look inside. Plain number fields, not arrays: a frame is made for every line, so it must be cheap.
 *
 * Two buffers: the input line (`rawBytes`), and the one holding the event's JSON (`eventBytes`). They are the
 * same buffer, except for an envelope whose `event` is a JSON string: its decoded text is the event.
 */
export class Frame {
  /** 1-based position among the frames a command read (meta lines and malformed lines excluded). */
  seq = 0;
  readonly tag: Tag;
  private parsed: unknown = undefined;
  private nested: string | null | undefined = undefined;
  private rS = -1; private rE = -1; private iS = -1; private iE = -1; private cS = -1; private cE = -1;
  private eS = -1; private eE = -1; private dS = -1; private dE = -1;
  private oS = -1; private oE = -1; private pS = -1; private pE = -1;
  /** Spans of the number fields (start, end per NumberName), or null when the event has none of them. */
  private nums: Int32Array | null = null;
  /** Per field, 2 bits: the scanner's escape state (see `Spans.escaped`). */
  private esc = 0;
  /** The time in ms once computed (NaN: none). */
  private ms: number | undefined = undefined;
  /** How deep the event nests, as the scanner measured it (-1: not known). */
  private depth = -1;
  /** Whether a string in the event has a backslash escape (true when not known). */
  private escapes = true;
  /** Whether the scanner's spans were given (a frame built without them knows no field from its bytes). */
  private scanned = false;

  constructor(
    readonly source: string,
    /** 1-based line (or message) number in the source, for messages. */
    readonly line: number,
    /** The input line, as read: `buf[start, end)` without its newline. */
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
    readonly kind: FrameKind,
    /** The buffer of the event's JSON: `buf`, or the decoded `event` string of an envelope. */
    private readonly ev: Buffer,
    /** The event's JSON (or the text/binary value, as a JSON string) within `ev`. */
    readonly evStart: number,
    readonly evEnd: number,
    readonly type: string,
    readonly dir: 'server' | 'client' | null,
    /** The span in `buf` of the time's JSON value (an ISO string or an epoch number), or -1. */
    private readonly tsS: number,
    private readonly tsE: number,
    /** The scanner's spans of the event's fields, as offsets in `ev`. */
    spans: Spans | null,
    protocol: Protocol = 'realtime',
    /** The type's tag, when the caller has it already (as `classify` gives it). */
    tag?: Tag,
  ) {
    this.tag = tag ?? classify(type, protocol, dir);
    if (spans === null) return;
    this.depth = spans.depth;
    this.escapes = spans.escapes;
    this.scanned = true;
    let s = spans.start(Slot.response_id);
    if (s >= 0) { this.rS = s; this.rE = spans.end(Slot.response_id); this.esc |= spans.escaped(Slot.response_id); }
    s = spans.start(Slot.item_id);
    if (s >= 0) { this.iS = s; this.iE = spans.end(Slot.item_id); this.esc |= spans.escaped(Slot.item_id) << 2; }
    s = spans.start(Slot.call_id);
    if (s >= 0) { this.cS = s; this.cE = spans.end(Slot.call_id); this.esc |= spans.escaped(Slot.call_id) << 4; }
    s = spans.start(Slot.event_id);
    if (s >= 0) { this.eS = s; this.eE = spans.end(Slot.event_id); this.esc |= spans.escaped(Slot.event_id) << 6; }
    s = spans.start(Slot.output_index);
    if (s >= 0) { this.oS = s; this.oE = spans.end(Slot.output_index); }
    s = spans.start(Slot.content_index);
    if (s >= 0) { this.pS = s; this.pE = spans.end(Slot.content_index); }
    for (let k = 0; k < NUMBER_SLOTS.length; k++) {
      s = spans.start(NUMBER_SLOTS[k]!);
      if (s < 0) continue;
      this.nums ??= new Int32Array(2 * NUMBER_SLOTS.length).fill(-1);
      this.nums[2 * k] = s;
      this.nums[2 * k + 1] = spans.end(NUMBER_SLOTS[k]!);
    }
    // Audio: server deltas carry it in `delta`, client appends in `audio`. Which keys were there is kept too.
    const hasDelta = spans.start(Slot.delta) >= 0, hasAudio = spans.start(Slot.audio) >= 0;
    const d = hasDelta ? Slot.delta : Slot.audio;
    s = spans.start(d);
    if (s >= 0) { this.dS = s; this.dE = spans.end(d); this.esc |= spans.escaped(d) << 8; }
    if (hasDelta) this.esc |= DELTA_KEY;
    if (hasAudio) this.esc |= AUDIO_KEY;
  }

  /** Whether the event came inside an envelope (a recording line, another logger's), not as the line itself. */
  get isEnvelope(): boolean {
    if (this.ev !== this.buf) return true;
    // A bare event ends the line (but for whitespace); an envelope's closing brace comes after it.
    for (let i = this.evEnd; i < this.end; i++) if (this.buf[i] !== 0x20 && this.buf[i] !== 0x09 && this.buf[i] !== 0x0d) return true;
    return false;
  }

  /** Whether any string of the event may hold a backslash escape (true when the scanner did not say). */
  get anyEscape(): boolean {
    return this.escapes;
  }

  /** The event's own bytes (for `--json` and recordings, spliced verbatim). */
  eventBytes(): Buffer {
    return this.ev.subarray(this.evStart, this.evEnd);
  }

  /** The input line, unchanged. */
  rawBytes(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  /**
   * The frame's time as ISO-8601, or null. A recording's `ts` is given as written (so it round-trips byte for
   * byte); other forms (epoch numbers, other ISO spellings) are shown as rtev writes times.
   */
  get ts(): string | null {
    const ms = this.time;
    if (Number.isNaN(ms)) return null;
    if (this.buf[this.tsS] === 0x22) {
      const s = spanString(this.buf, this.tsS, this.tsE, 2);
      if (isCanonicalIso(s)) return s;
    }
    return isoOf(ms);
  }

  /** Who sent it: the recording's `dir`, or for bare events the direction of its variant (server if unknown). */
  get direction(): 'server' | 'client' {
    return this.dir ?? (this.tag.variant.dir === 'client' ? 'client' : 'server');
  }

  /** The frame's time in milliseconds since the epoch, or NaN when it has none. */
  get time(): number {
    if (this.ms === undefined) this.ms = this.tsS < 0 ? NaN : readTime(this.buf, this.tsS, this.tsE);
    return this.ms;
  }

  /** Whether the frame has a time (`time` is not NaN): told from the bytes when the time is in rtev's own form. */
  hasTime(): boolean {
    if (this.ms === undefined && this.tsS >= 0 && isPlainIsoAt(this.buf, this.tsS, this.tsE)) return true;
    return !Number.isNaN(this.time);
  }

  /** The whole event, parsed on first use (nesting past MAX_JSON_DEPTH cut). Text and binary frames give their string. */
  json(): any {
    if (this.parsed === undefined) this.parsed = parseBounded(this.ev, this.evStart, this.evEnd, MAX_JSON_DEPTH, this.depth);
    return this.parsed;
  }

  /** Like `json()`, but undefined when the event's inside is not valid JSON (the scanner checks structure only). */
  tryJson(): any {
    try {
      return this.json();
    } catch {
      return undefined;
    }
  }

  /** A top-level string field that the scanner found (ids, delta), without parsing the event. */
  field(name: FieldName): string | undefined {
    switch (name) {
      case 'response_id': return this.str(this.rS, this.rE, this.esc & 3);
      case 'item_id': return this.str(this.iS, this.iE, (this.esc >> 2) & 3);
      case 'call_id': return this.str(this.cS, this.cE, (this.esc >> 4) & 3);
      case 'event_id': return this.str(this.eS, this.eE, (this.esc >> 6) & 3);
      case 'delta': return this.str(this.dS, this.dE, (this.esc >> 8) & 3);
    }
  }

  /**
   * The UTF-8 bytes of a string `event_id`, without making a string: its span in the event's own bytes when it
   * has no escape, else a decoded copy; the range is left in ID_RANGE. Null when absent or not a string.
   */
  eventIdBytes(): Buffer | null {
    const s = this.eS;
    if (s < 0 || this.ev[s] !== 0x22) return null;
    const esc = (this.esc >> 6) & 3;
    if (esc === 0 || (esc === 2 && !hasEscape(this.ev, s, this.eE))) {
      ID_RANGE[0] = s + 1;
      ID_RANGE[1] = this.eE - 1;
      return this.ev;
    }
    const b = Buffer.from(spanString(this.ev, s, this.eE, 1), 'utf8');
    ID_RANGE[0] = 0;
    ID_RANGE[1] = b.length;
    return b;
  }

  /**
   * Whether a top-level string field equals `value`, compared byte for byte without decoding the field (the
   * turn model looks up the same response or item many times in a row).
   */
  fieldEquals(name: 'response_id' | 'item_id', value: string): boolean {
    const [s, e, esc] = name === 'response_id' ? [this.rS, this.rE, this.esc & 3] : [this.iS, this.iE, (this.esc >> 2) & 3];
    if (s < 0 || this.ev[s] !== 0x22) return false;
    if (esc === 0 && e - s - 2 === value.length) {
      const ev = this.ev;
      let i = 0;
      for (; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80 || ev[s + 1 + i] !== c) break;
      }
      if (i === value.length) return true;
      if (value.charCodeAt(i) < 0x80) return false; // a plain byte differs
    } else if (esc === 0 && value.length > e - s - 2) {
      return false; // a string is never longer than its UTF-8 bytes
    }
    return this.str(s, e, esc) === value;
  }

  /**
   * Whether the event's text may hold `text` as written in JSON: false only when its bytes do not hold it and no
   * string in the event has an escape (which could spell it otherwise). Lets a reader skip parsing an event.
   */
  mayContain(text: string): boolean {
    return this.escapes || this.eventBytes().includes(text);
  }

  /**
   * The JSON kind of a field the scanner saw, without decoding it: 'string', 'other', or 'absent'.
   * `delta` stands for `audio` too (a client append's payload).
   */
  fieldKind(name: FieldName | 'audio'): 'string' | 'other' | 'absent' {
    const s = name === 'response_id' ? this.rS : name === 'item_id' ? this.iS : name === 'call_id' ? this.cS : name === 'event_id' ? this.eS : this.dS;
    return s < 0 ? 'absent' : this.ev[s] === 0x22 ? 'string' : 'other';
  }

  /**
   * The kind of a top-level field, exactly as of the parsed event (`'absent'` when it has none), told from the
   * scanner's span without parsing; `'unknown'` when the scanner kept no span for it (`audio` beside a `delta`).
   * Frames built without spans know nothing: `'unknown'`.
   */
  kindOf(name: SpanField): JsonKind | 'absent' | 'unknown' {
    const [s, e] = this.spanOf(name);
    if (s === -2) return 'unknown';
    return s < 0 ? 'absent' : kindAt(this.ev, s, e);
  }

  /** A top-level number field (an index, a clock) as parsed, without parsing: undefined when absent or not a number. */
  number(name: 'output_index' | 'content_index' | NumberName): number | undefined {
    const [s, e] = this.spanOf(name);
    if (s < 0) return undefined;
    const ev = this.ev;
    const c = ev[s]!;
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) return undefined;
    // Small whole numbers (indexes) from their digits; anything else as Number reads the text, as JSON.parse.
    if (e - s <= 9 && c !== 0x2d) {
      let v = 0, i = s;
      for (; i < e; i++) { const d = ev[i]! - 0x30; if (d < 0 || d > 9) break; v = v * 10 + d; }
      if (i === e) return v;
    }
    return Number(ev.toString('latin1', s, e));
  }

  /** Whether the frame was built with the scanner's spans (kindOf, number and the fields know something). */
  get hasSpans(): boolean {
    return this.scanned;
  }

  /** The span of a field in `ev`: [-1, -1] when absent, [-2, -2] when not known. */
  private spanOf(name: SpanField): [number, number] {
    if (!this.scanned) return [-2, -2];
    switch (name) {
      case 'response_id': return [this.rS, this.rE];
      case 'item_id': return [this.iS, this.iE];
      case 'call_id': return [this.cS, this.cE];
      case 'event_id': return [this.eS, this.eE];
      case 'output_index': return [this.oS, this.oE];
      case 'content_index': return [this.pS, this.pE];
      case 'delta': return this.esc & DELTA_KEY ? [this.dS, this.dE] : [-1, -1];
      case 'audio': return this.esc & DELTA_KEY ? (this.esc & AUDIO_KEY ? [-2, -2] : [-1, -1]) : [this.dS, this.dE];
      default: {
        const k = NUMBER_INDEX[name];
        return this.nums ? [this.nums[2 * k]!, this.nums[2 * k + 1]!] : [-1, -1];
      }
    }
  }

  /**
   * A top-level index field as the scanner found it, without parsing the event: its number, null when the value
   * is not a whole number (a string, a fraction), undefined when absent.
   */
  index(name: 'output_index' | 'content_index'): number | null | undefined {
    const [s, e] = name === 'output_index' ? [this.oS, this.oE] : [this.pS, this.pE];
    if (s < 0) return undefined;
    const text = this.ev.toString('latin1', s, e);
    return /^-?\d+$/.test(text) ? Number(text) : null;
  }

  /** A top-level number field the scanner found (`start_ms`, `sample_rate` …), without parsing; undefined when absent or not a number. */
  num(name: NumberName): number | undefined {
    const k = NUMBER_INDEX[name];
    const s = this.nums ? this.nums[2 * k]! : -1;
    if (s < 0) return undefined;
    const c = this.ev[s]!;
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) return undefined;
    return Number(this.ev.toString('latin1', s, this.nums![2 * k + 1]));
  }

  /**
   * The `type` of the event nested in this one's `event` object (GPT-Live's `response.event` wraps a Responses
   * stream event, `decision.event` a decision), found by the scanner without parsing; null when there is none.
   */
  nestedType(): string | null {
    if (this.nested === undefined) this.nested = nestedTypeOf(this.ev, this.evStart, this.evEnd);
    return this.nested;
  }

  /** Decoded bytes of the base64 in `delta` (server audio) or `audio` (client append), without decoding it. */
  audioBytes(): number {
    const s = this.dS;
    if (s < 0 || this.ev[s] !== 0x22) return 0;
    const esc = (this.esc >> 8) & 3;
    if (esc === 1 || (esc === 2 && hasEscape(this.ev, s, this.dE))) {
      return Buffer.byteLength(spanString(this.ev, s, this.dE, 1), 'base64');
    }
    return base64Bytes(this.ev, s, this.dE);
  }

  /**
   * Where the `delta` (or `audio`) string value sits in `eventBytes()`, quotes included, or null: lets a writer
   * splice a base64 payload out of the event's bytes without parsing it. (The event's own buffer: for an envelope
   * whose `event` is a JSON string, that is the decoded string, not the line.)
   */
  payloadSpan(): { start: number; end: number } | null {
    return this.dS < 0 || this.ev[this.dS] !== 0x22 ? null : { start: this.dS - this.evStart, end: this.dE - this.evStart };
  }

  private str(s: number, e: number, esc: number): string | undefined {
    if (s < 0 || this.ev[s] !== 0x22) return undefined;
    return spanString(this.ev, s, e, esc);
  }
}

const nestOuter = new Spans();
const nestInner = new Spans();

/** The string `type` of the object in `event` of the event at buf[s, e), or null. */
function nestedTypeOf(buf: Buffer, s: number, e: number): string | null {
  if (buf[s] !== 0x7b) return null;
  nestOuter.reset();
  nestInner.reset();
  if (scanObject(buf, s, e, nestOuter, nestInner) < 0) return null;
  const es = nestOuter.start(Slot.event);
  if (es < 0 || buf[es] !== 0x7b) return null;
  const ts = nestInner.start(Slot.type);
  if (ts < 0 || buf[ts] !== 0x22) return null;
  return spanString(buf, ts, nestInner.end(Slot.type), nestInner.escaped(Slot.type));
}

/** A time's JSON value at a span: a string or a number; anything else is no time. */
function readTime(buf: Buffer, s: number, e: number): number {
  const c = buf[s]!;
  if (c === 0x22) return timeMs(spanString(buf, s, e, 2));
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return timeMs(Number(buf.toString('latin1', s, e)));
  return NaN;
}
