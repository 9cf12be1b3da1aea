import { parseBounded } from './bounded-json.js';
import { classify, type Protocol, type Tag } from './catalogue.js';
import { Slot, Spans, scanObject, spanString, base64Bytes, hasEscape } from '../scan/scan.js';
import { isCanonicalIso, isoOf, timeMs } from './time.js';

export type FrameKind = 'event' | 'text' | 'binary';
export type FieldName = 'response_id' | 'item_id' | 'call_id' | 'event_id' | 'delta';
/** Number fields the scanner finds, for GPT-Live's and Translation's audio and transcript clocks. */
export type NumberName = 'start_ms' | 'end_ms' | 'elapsed_ms' | 'sample_rate';
const NUMBER_SLOTS = [Slot.start_ms, Slot.end_ms, Slot.elapsed_ms, Slot.sample_rate] as const;
const NUMBER_INDEX: Record<NumberName, number> = { start_ms: 0, end_ms: 1, elapsed_ms: 2, sample_rate: 3 };

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
  ) {
    this.tag = classify(type, protocol, dir);
    if (spans === null) return;
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
      this.nums ??= new Int32Array(8).fill(-1);
      this.nums[2 * k] = s;
      this.nums[2 * k + 1] = spans.end(NUMBER_SLOTS[k]!);
    }
    // Audio: server deltas carry it in `delta`, client appends in `audio`.
    const d = spans.start(Slot.delta) >= 0 ? Slot.delta : Slot.audio;
    s = spans.start(d);
    if (s >= 0) { this.dS = s; this.dE = spans.end(d); this.esc |= spans.escaped(d) << 8; }
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

  /** The whole event, parsed on first use (nesting past MAX_JSON_DEPTH cut). Text and binary frames give their string. */
  json(): any {
    if (this.parsed === undefined) this.parsed = parseBounded(this.ev, this.evStart, this.evEnd);
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
   * The JSON kind of a field the scanner saw, without decoding it: 'string', 'other', or 'absent'.
   * `delta` stands for `audio` too (a client append's payload).
   */
  fieldKind(name: FieldName | 'audio'): 'string' | 'other' | 'absent' {
    const s = name === 'response_id' ? this.rS : name === 'item_id' ? this.iS : name === 'call_id' ? this.cS : name === 'event_id' ? this.eS : this.dS;
    return s < 0 ? 'absent' : this.ev[s] === 0x22 ? 'string' : 'other';
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
   * Where the `delta` (or `audio`) string value sits in `buf`, quotes included, or null: lets a writer splice
   * a base64 payload out of the event's bytes without parsing it.
   */
  payloadSpan(): { start: number; end: number } | null {
    return this.dS < 0 || this.buf[this.dS] !== 0x22 ? null : { start: this.dS, end: this.dE };
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
