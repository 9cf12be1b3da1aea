import { classify, type Protocol, type Tag } from '../events/catalogue.js';
import { Frame } from '../events/frame.js';
import { protocolFromUrl, protocolHint } from '../events/protocol.js';
import { scanObject, scanError, Spans, Slot, spanString } from '../scan/scan.js';

const outer = new Spans();
const inner = new Spans();

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A recorded string value: the string, null when the value is not a string, undefined when absent. */
function str(buf: Buffer, sp: Spans, slot: Slot): string | null | undefined {
  const s = sp.start(slot);
  if (s < 0) return undefined;
  if (buf[s] !== 0x22) return null;
  return spanString(buf, s, sp.end(slot), sp.escaped(slot));
}

/**
 * The type string at a span, interned: the same bytes give the same string object, without a slice per line,
 * and the catalogue's Map finds a string it has hashed before at once. Candidates are kept by length and
 * compared byte for byte from the end (types differ mostly there); bounded, since a hostile stream may send
 * endless distinct types.
 */
const byLength: { bytes: Buffer; type: string }[][] = Array.from({ length: 81 }, () => []);
let internedCount = 0;
function typeAt(buf: Buffer, sp: Spans, slot: Slot): string | null | undefined {
  const s = sp.start(slot);
  if (s < 0) return undefined;
  if (buf[s] !== 0x22) return null;
  const e = sp.end(slot);
  const len = e - s - 2;
  if (sp.escaped(slot) !== 0 || len > 80) return spanString(buf, s, e, sp.escaped(slot));
  const candidates = byLength[len]!;
  outer: for (let c = 0; c < candidates.length; c++) {
    const b = candidates[c]!.bytes;
    for (let i = len - 1; i >= 0; i--) if (b[i] !== buf[s + 1 + i]) continue outer;
    return candidates[c]!.type;
  }
  const type = spanString(buf, s, e, 0);
  if (internedCount < 4096) { candidates.push({ bytes: Buffer.from(buf.subarray(s + 1, e - 1)), type }); internedCount++; }
  return type;
}

/**
 * Classify one line of JSONL from its bytes: a bare event or a recording line (PRODUCT.md §3) gives a Frame;
 * a blank or meta line gives null; anything else gives the reason it is malformed. Never throws, and never
 * calls JSON.parse on the line.
 */
export function classifyLine(
  source: string, lineNo: number, buf: Buffer, start: number, end: number,
  /** Drop (as null) a valid line whose type fails this test, before a frame is made for it. */
  keepTag?: (tag: Tag) => boolean,
  /** The protocol of the source, which decides what a type means. */
  protocol: Protocol = 'realtime',
): Frame | string | null {
  let s = start, e = end;
  while (s < e && isWs(buf[s]!)) s++;
  while (e > s && isWs(buf[e - 1]!)) e--;
  if (s === e) return null;
  const c = buf[s];
  if (c !== 0x7b) return c === 0x5b ? 'a JSON array, not an event object' : 'not a JSON object';
  outer.reset();
  inner.reset();
  const r = scanObject(buf, s, e, outer, inner);
  if (r < 0) return `invalid JSON: ${scanError}`;
  if (r !== e) return 'unexpected text after the JSON object';

  // A bare event: its own `type`.
  const type = typeAt(buf, outer, Slot.type);
  if (type !== undefined) {
    if (type === null) return '"type" is not a string';
    if (keepTag && !keepTag(classify(type, protocol))) return null;
    return new Frame(source, lineNo, buf, start, end, 'event', s, e, type, null, -1, -1, outer, protocol);
  }

  // A recording line: {"ts","dir","event"|"text"|"binary"} or a meta line.
  const dir = str(buf, outer, Slot.dir);
  if (typeof dir !== 'string') return 'no string "type" (not an event, not a recording line)';
  if (dir === 'meta') return null;
  if (dir !== 'server' && dir !== 'client') return `"dir" is "${dir}", not server, client or meta`;
  const tsS = outer.start(Slot.ts);
  const tsE = outer.end(Slot.ts);
  const es = outer.start(Slot.event);
  if (es >= 0) {
    if (buf[es] !== 0x7b) return '"event" is not a JSON object';
    const t = typeAt(buf, inner, Slot.type);
    if (typeof t !== 'string') return 'the event has no string "type"';
    if (keepTag && !keepTag(classify(t, protocol, dir))) return null;
    return new Frame(source, lineNo, buf, start, end, 'event', es, outer.end(Slot.event), t, dir, tsS, tsE, inner, protocol);
  }
  for (const [slot, kind] of [[Slot.text, 'text'], [Slot.binary, 'binary']] as const) {
    const v = outer.start(slot);
    if (v >= 0) {
      if (buf[v] !== 0x22) return `"${kind}" is not a string`;
      if (keepTag) return null; // text and binary frames have no type to match
      return new Frame(source, lineNo, buf, start, end, kind, v, outer.end(slot), '', dir, tsS, tsE, null, protocol);
    }
  }
  return 'a recording line without "event", "text" or "binary"';
}

/**
 * A source's protocol from its first lines (PROTOCOL.md §9): a recording's first meta line names the endpoint;
 * otherwise the first frame that only one protocol sends decides. Null when nothing in `maxLines` decides.
 */
export function detectProtocol(buf: Buffer, maxLines = 64): Protocol | null {
  let pos = 0;
  for (let n = 0; n < maxLines && pos < buf.length; n++) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    const start = pos;
    pos = nl + 1;
    const r = classifyLine('', 0, buf, start, nl);
    if (r === null) {
      // A meta line: the endpoint it was recorded from (its first 4 KiB hold the source URL).
      const m = /"source"\s*:\s*"([^"]+)"/.exec(buf.toString('utf8', start, Math.min(nl, start + 4096)));
      const p = m ? protocolFromUrl(m[1]!) : null;
      if (p) return p;
      continue;
    }
    if (typeof r === 'string' || r.kind !== 'event') continue;
    const p = protocolHint(r.type, () => r.tryJson()?.session);
    if (p) return p;
  }
  return null;
}
