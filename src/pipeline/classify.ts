import { classify, type Protocol, type Tag } from '../events/catalogue.js';
import { Frame } from '../events/frame.js';
import { protocolFromUrl, protocolOfFrame } from '../events/protocol.js';
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
 * and with it the tags it was given (per protocol and direction), so that a line's tag is one array look-up.
 * Candidates are kept by length and compared byte for byte from the end (types differ mostly there); bounded,
 * since a hostile stream may send endless distinct types.
 */
interface Interned { bytes: Buffer; type: string; tags: (Tag | undefined)[] }
const byLength: Interned[][] = Array.from({ length: 81 }, () => []);
let internedCount = 0;
/** The entry of the type typeAt returned last, or null when it was not interned. */
let lastInterned: Interned | null = null;
function typeAt(buf: Buffer, sp: Spans, slot: Slot): string | null | undefined {
  lastInterned = null;
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
    lastInterned = candidates[c]!;
    return lastInterned.type;
  }
  const type = spanString(buf, s, e, 0);
  if (internedCount < 4096) {
    lastInterned = { bytes: Buffer.from(buf.subarray(s + 1, e - 1)), type, tags: [] };
    candidates.push(lastInterned);
    internedCount++;
  }
  return type;
}

const PROTOCOL_INDEX: Record<Protocol, number> = { realtime: 0, translation: 1, live: 2 };

/** The tag of the type typeAt returned last: from its entry's cache, else the catalogue. */
function tagOf(type: string, protocol: Protocol, dir: 'server' | 'client' | null): Tag {
  const entry = lastInterned;
  if (entry === null) return classify(type, protocol, dir);
  const k = PROTOCOL_INDEX[protocol] * 3 + (dir === null ? 0 : dir === 'server' ? 1 : 2);
  return (entry.tags[k] ??= classify(type, protocol, dir));
}

// The words captures use for who sent a frame (rtev's `dir`, other loggers' `direction`). Another word leaves
// the direction to the event's type, as for a bare event.
const DIRECTIONS = new Map<string, 'server' | 'client'>([
  ...['client', 'sent', 'send', 'outgoing', 'outbound', 'out', 'up', 'upstream', 'tx', 'c2s', 'client_to_server', 'to_server'].map((w) => [w, 'client'] as const),
  ...['server', 'received', 'receive', 'recv', 'incoming', 'inbound', 'in', 'down', 'downstream', 'rx', 's2c', 'server_to_client', 'from_server'].map((w) => [w, 'server'] as const),
]);

/** The first of these slots that is present, for a frame's time. */
function firstSlot(sp: Spans, a: Slot, b: Slot, c: Slot): Slot | -1 {
  return sp.start(a) >= 0 ? a : sp.start(b) >= 0 ? b : sp.start(c) >= 0 ? c : -1;
}

/**
 * Classify one line of JSONL from its bytes (PRODUCT.md §3):
 * - a bare event (`type` at the top), its time from a top-level `ts`, `timestamp` or `received_at`;
 * - an envelope: rtev's recording line `{"ts","dir","event"|"text"|"binary"}`, or another logger's
 *   `{"direction","event","timestamp"|"ts"|"time"}` whose `event` is an object or a JSON string;
 * gives a Frame; a blank or meta line gives null; anything else gives the reason it is malformed. Never throws,
 * and never calls JSON.parse on the line.
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
  let c = buf[s];
  if (c === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) c = buf[s += 3]; // a byte-order mark
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
    const tag = tagOf(type, protocol, null);
    if (keepTag && !keepTag(tag)) return null;
    const t = firstSlot(outer, Slot.ts, Slot.timestamp, Slot.received_at);
    return new Frame(source, lineNo, buf, start, end, 'event', buf, s, e, type, null, t < 0 ? -1 : outer.start(t), t < 0 ? -1 : outer.end(t), outer, protocol, tag);
  }

  // An envelope, or a meta line.
  const word = str(buf, outer, Slot.dir) ?? str(buf, outer, Slot.direction);
  if (word === 'meta') return null;
  const dir = typeof word === 'string' ? DIRECTIONS.get(word.toLowerCase()) ?? null : null;
  const t = firstSlot(outer, Slot.ts, Slot.timestamp, Slot.time);
  const tsS = t < 0 ? -1 : outer.start(t);
  const tsE = t < 0 ? -1 : outer.end(t);
  const es = outer.start(Slot.event);
  if (es >= 0) {
    const ee = outer.end(Slot.event);
    if (buf[es] === 0x7b) {
      const ty = typeAt(buf, inner, Slot.type);
      if (typeof ty !== 'string') return 'the event has no string "type"';
      const tag = tagOf(ty, protocol, dir);
      if (keepTag && !keepTag(tag)) return null;
      return new Frame(source, lineNo, buf, start, end, 'event', buf, es, ee, ty, dir, tsS, tsE, inner, protocol, tag);
    }
    if (buf[es] !== 0x22) return '"event" is neither a JSON object nor a string';
    // A JSON string: the frame as it was sent. When it holds a JSON object, that object is the event.
    const ev = eventInString(buf, es, ee);
    if (ev !== null) {
      const ty = typeAt(ev, inner, Slot.type);
      if (typeof ty === 'string') {
        const tag = tagOf(ty, protocol, dir);
        if (keepTag && !keepTag(tag)) return null;
        return new Frame(source, lineNo, buf, start, end, 'event', ev, evA, evB, ty, dir, tsS, tsE, inner, protocol, tag);
      }
    }
    if (keepTag) return null;
    return new Frame(source, lineNo, buf, start, end, 'text', buf, es, ee, '', dir, tsS, tsE, null, protocol);
  }
  if (word === undefined) return 'no string "type" (not an event, not a recording line)';
  for (const [slot, kind] of [[Slot.text, 'text'], [Slot.binary, 'binary']] as const) {
    const v = outer.start(slot);
    if (v >= 0) {
      if (buf[v] !== 0x22) return `"${kind}" is not a string`;
      if (keepTag) return null; // text and binary frames have no type to match
      return new Frame(source, lineNo, buf, start, end, kind, buf, v, outer.end(slot), '', dir, tsS, tsE, null, protocol);
    }
  }
  return 'a recording line without "event", "text" or "binary"';
}

let evA = 0, evB = 0;

/**
 * The JSON object inside an `event` string, as its own buffer (the object at [evA, evB)), scanned into
 * `inner`; null when the string does not hold exactly one JSON object. Raw newlines (a pretty-printed frame)
 * become spaces, which JSON reads the same, so that the event can be spliced into one line.
 */
function eventInString(buf: Buffer, s: number, e: number): Buffer | null {
  let i = s + 1;
  while (i < e - 1 && (buf[i] === 0x20 || (buf[i] === 0x5c && (buf[i + 1] === 0x6e || buf[i + 1] === 0x72 || buf[i + 1] === 0x74)))) i += buf[i] === 0x20 ? 1 : 2;
  if (buf[i] !== 0x7b) return null;
  const ev = Buffer.from(spanString(buf, s, e, 1));
  for (let k = 0; k < ev.length; k++) if (ev[k] === 0x0a || ev[k] === 0x0d) ev[k] = 0x20;
  let a = 0, b = ev.length;
  while (a < b && isWs(ev[a]!)) a++;
  while (b > a && isWs(ev[b - 1]!)) b--;
  inner.reset();
  if (ev[a] !== 0x7b || scanObject(ev, a, b, inner, null) !== b) return null;
  evA = a;
  evB = b;
  return ev;
}

/**
 * What one line says about its source's protocol (PROTOCOL.md §9): a recording's meta line names the endpoint;
 * a frame that only one protocol sends decides. Null when the line says nothing.
 */
export function lineProtocol(buf: Buffer, start: number, end: number): Protocol | null {
  const r = classifyLine('', 0, buf, start, end);
  if (r === null) {
    // A meta line: the endpoint it was recorded from (its first 4 KiB hold the source URL).
    const m = /"source"\s*:\s*"([^"]+)"/.exec(buf.toString('utf8', start, Math.min(end, start + 4096)));
    return m ? protocolFromUrl(m[1]!) : null;
  }
  if (typeof r === 'string') return null;
  return protocolOfFrame(r);
}

/** A source's protocol from its first lines; null when nothing in `maxLines` decides. */
export function detectProtocol(buf: Buffer, maxLines = 64): Protocol | null {
  let pos = 0;
  for (let n = 0; n < maxLines && pos < buf.length; n++) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    const p = lineProtocol(buf, pos, nl);
    if (p) return p;
    pos = nl + 1;
  }
  return null;
}
