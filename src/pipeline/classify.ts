import { Frame } from '../events/frame.js';
import { scanObject, scanError, Spans, Slot, spanString } from './scan.js';

/** What one input line turned out to be. */
export type LineResult =
  | { kind: 'frame'; frame: Frame }
  | { kind: 'skip' } // blank line or a recording's meta line
  | { kind: 'bad'; reason: string };

const SKIP: LineResult = { kind: 'skip' };
const outer = new Spans();
const inner = new Spans();

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function str(buf: Buffer, sp: Spans, slot: Slot): string | null | undefined {
  const s = sp.start[slot]!;
  if (s < 0) return undefined;
  if (buf[s] !== 0x22) return null;
  return spanString(buf, s, sp.end[slot]!, sp.escaped[slot]!);
}

/**
 * Classify one line of JSONL from its bytes: a bare event, a recording line (PRODUCT.md §3), or a reason why
 * it is neither. Never throws, never calls JSON.parse on the whole line.
 */
export function classifyLine(source: string, lineNo: number, buf: Buffer, start: number, end: number): LineResult {
  let s = start, e = end;
  while (s < e && isWs(buf[s]!)) s++;
  while (e > s && isWs(buf[e - 1]!)) e--;
  if (s === e) return SKIP;
  const c = buf[s];
  if (c !== 0x7b) return bad(c === 0x5b ? 'a JSON array, not an event object' : 'not a JSON object');
  outer.reset();
  inner.reset();
  const r = scanObject(buf, s, e, outer, inner);
  if (r < 0) return bad(`invalid JSON: ${scanError}`);
  if (r !== e) return bad('unexpected text after the JSON object');

  // A bare event: its own `type`.
  const type = str(buf, outer, Slot.type);
  if (type !== undefined) {
    if (type === null) return bad('"type" is not a string');
    return frame(new Frame(source, lineNo, buf, start, end, 'event', s, e, type, null, null, outer));
  }

  // A recording line: {"ts","dir","event"|"text"|"binary"} or a meta line.
  const dir = str(buf, outer, Slot.dir);
  if (typeof dir !== 'string') return bad('no string "type" (not an event, not a recording line)');
  if (dir === 'meta') return SKIP;
  if (dir !== 'server' && dir !== 'client') return bad(`"dir" is "${dir}", not server, client or meta`);
  const ts = str(buf, outer, Slot.ts) ?? null;
  const es = outer.start[Slot.event]!;
  if (es >= 0) {
    if (buf[es] !== 0x7b) return bad('"event" is not a JSON object');
    const t = str(buf, inner, Slot.type);
    if (typeof t !== 'string') return bad('the event has no string "type"');
    return frame(new Frame(source, lineNo, buf, start, end, 'event', es, outer.end[Slot.event]!, t, dir, ts, inner));
  }
  for (const [slot, kind] of [[Slot.text, 'text'], [Slot.binary, 'binary']] as const) {
    const v = outer.start[slot]!;
    if (v >= 0) {
      if (buf[v] !== 0x22) return bad(`"${kind}" is not a string`);
      return frame(new Frame(source, lineNo, buf, start, end, kind, v, outer.end[slot]!, '', dir, ts, null));
    }
  }
  return bad('a recording line without "event", "text" or "binary"');
}

function frame(f: Frame): LineResult {
  return { kind: 'frame', frame: f };
}
function bad(reason: string): LineResult {
  return { kind: 'bad', reason };
}
