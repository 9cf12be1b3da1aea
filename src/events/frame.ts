import { classify, type Tag } from './catalogue.js';
import { Slot, Spans, spanString, base64Bytes } from '../pipeline/scan.js';

/** The top-level fields whose spans a frame keeps (delta and audio measure audio). */
const FIELDS = [Slot.response_id, Slot.item_id, Slot.call_id, Slot.event_id, Slot.delta, Slot.audio];
const FIELD_INDEX = { response_id: 0, item_id: 1, call_id: 2, event_id: 3, delta: 4 } as const;
export type FieldName = keyof typeof FIELD_INDEX;

export type FrameKind = 'event' | 'text' | 'binary';

/**
 * One frame of a capture: its raw bytes, where it came from, and what the scanner learnt cheaply.
 * Everything else is parsed lazily (`json()`), only by the commands that must look inside.
 */
export class Frame {
  /** 1-based position among the frames a command read (meta lines and malformed lines excluded). */
  seq = 0;
  readonly tag: Tag;
  private parsed: unknown = undefined;

  constructor(
    readonly source: string,
    /** 1-based line (or message) number in the source, for messages. */
    readonly line: number,
    /** The input line, as read: `buf[start, end)` without its newline. */
    readonly buf: Buffer,
    readonly start: number,
    readonly end: number,
    readonly kind: FrameKind,
    /** The event's JSON (or the text/binary value, as a JSON string) within `buf`. */
    readonly evStart: number,
    readonly evEnd: number,
    readonly type: string,
    readonly dir: 'server' | 'client' | null,
    /** The recording's timestamp, as written (ISO-8601), or null. */
    readonly ts: string | null,
    spans: Spans | null,
  ) {
    this.tag = classify(type);
    if (spans !== null) {
      // Copy the few spans the commands use out of the scanner's scratch space.
      for (let k = 0; k < FIELDS.length; k++) {
        const slot = FIELDS[k]!;
        this.fs[k] = spans.start[slot]!;
        this.fe[k] = spans.end[slot]!;
        if (spans.escaped[slot]) this.escMask |= 1 << k;
      }
    }
  }

  private readonly fs = [-1, -1, -1, -1, -1, -1];
  private readonly fe = [-1, -1, -1, -1, -1, -1];
  private escMask = 0;

  /** The event's own bytes (for `--json` and recordings, spliced verbatim). */
  eventBytes(): Buffer {
    return this.buf.subarray(this.evStart, this.evEnd);
  }

  /** The input line, unchanged. */
  rawBytes(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  /** Who sent it: the recording's `dir`, or for bare events the direction of its variant (server if unknown). */
  get direction(): 'server' | 'client' {
    return this.dir ?? (this.tag.variant.dir === 'client' ? 'client' : 'server');
  }

  /** Milliseconds since the epoch of `ts`, or NaN. */
  get time(): number {
    return this.ts === null ? NaN : Date.parse(this.ts);
  }

  /** The whole event, parsed on first use. Text and binary frames give their string. */
  json(): any {
    if (this.parsed === undefined) this.parsed = JSON.parse(this.buf.toString('utf8', this.evStart, this.evEnd));
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

  /** A top-level string field that the scanner recorded (ids), without parsing the event. */
  field(name: FieldName): string | undefined {
    const k = FIELD_INDEX[name];
    const s = this.fs[k]!;
    if (s < 0 || this.buf[s] !== 0x22) return undefined;
    return spanString(this.buf, s, this.fe[k]!, (this.escMask >> k) & 1);
  }

  /** Decoded bytes of the base64 in `delta` (server audio) or `audio` (client append), without decoding it. */
  audioBytes(): number {
    const k = this.fs[4]! >= 0 ? 4 : 5;
    const s = this.fs[k]!;
    if (s < 0 || this.buf[s] !== 0x22) return 0;
    if ((this.escMask >> k) & 1) return Buffer.byteLength(spanString(this.buf, s, this.fe[k]!, 1), 'base64');
    return base64Bytes(this.buf, s, this.fe[k]!);
  }
}
