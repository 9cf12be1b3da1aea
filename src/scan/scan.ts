/**
 * A byte scanner for one JSON object per line. It walks the whole object to check its structure (balanced
 * braces, closed strings, sane literals) and records where a few top-level keys' values are, so that the
 * hot path learns a line's `type`, ids and audio length without `JSON.parse`. Long strings (base64 audio)
 * are skipped with a native `indexOf`, so their cost is a memchr, not a JS loop.
 */

/** The keys whose value spans are recorded. Their index is the slot. */
export const KEYS = [
  'type', 'event_id', 'response_id', 'item_id', 'call_id', 'delta', 'audio',
  'ts', 'dir', 'event', 'text', 'binary', 'rtev', 'output_index', 'content_index',
] as const;
export type Key = (typeof KEYS)[number];
export const enum Slot { type, event_id, response_id, item_id, call_id, delta, audio, ts, dir, event, text, binary, rtev, output_index, content_index }
const NSLOTS = KEYS.length;
const KEY_BYTES = KEYS.map((k) => Buffer.from(k, 'latin1'));
const MAX_KEY = Math.max(...KEYS.map((k) => k.length));

/**
 * Where each recorded key's value is: [start, end) byte offsets, or -1. String spans include the quotes.
 * Reused line after line: a slot counts only if it was written since the last `reset()` (a generation
 * number, so that resetting costs nothing per line).
 */
export class Spans {
  private readonly s = new Int32Array(NSLOTS);
  private readonly e = new Int32Array(NSLOTS);
  private readonly esc = new Uint8Array(NSLOTS);
  private readonly gen = new Int32Array(NSLOTS);
  private current = 1;

  reset(): void {
    this.current++;
  }
  set(slot: number, start: number, end: number, escaped: number): void {
    this.s[slot] = start;
    this.e[slot] = end;
    this.esc[slot] = escaped;
    this.gen[slot] = this.current;
  }
  start(slot: number): number {
    return this.gen[slot] === this.current ? this.s[slot]! : -1;
  }
  end(slot: number): number {
    return this.e[slot]!;
  }
  /** 0: no escapes; 1: has backslash escapes (decode, do not slice); 2: a long string not looked at yet. */
  escaped(slot: number): number {
    return this.esc[slot]!;
  }
}

const QUOTE = 0x22, BSLASH = 0x5c, LBRACE = 0x7b, RBRACE = 0x7d, LBRACK = 0x5b, RBRACK = 0x5d;
const COMMA = 0x2c, COLON = 0x3a;
const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
// Characters that may appear in a number or in true/false/null.
const LITERAL = new Uint8Array(256);
for (const c of '0123456789+-.eEtrufalsn') LITERAL[c.charCodeAt(0)] = 1;
// Inside a string, one table look-up per byte: 0 plain, 1 quote, 2 backslash, 3 a raw control character.
const IN_STRING = new Uint8Array(256);
IN_STRING[QUOTE] = 1;
IN_STRING[BSLASH] = 2;
for (let c = 0; c < 0x20; c++) IN_STRING[c] = 3;

/** Why the last scan failed (set when a function here returns -1). */
export let scanError = '';
let lastEscaped = 0;

// A DataView of the buffer being scanned, to read four bytes at a time; made once per buffer (chunk).
let viewOf: Buffer | null = null;
let view: DataView = new DataView(new ArrayBuffer(4));
const ONES = 0x01010101, HIGHS = 0x80808080, QUOTES = 0x22222222, SLASHES = 0x5c5c5c5c, SPACES = 0x20202020;

/** Skip a string whose opening quote is at `i`; return the index after its closing quote, or -1. */
function skipString(buf: Buffer, i: number, end: number): number {
  lastEscaped = 0;
  let j = i + 1;
  // Short strings: a JS loop beats the cost of a native call. Four bytes at a time while none of them is a
  // quote, a backslash or a control character (the classic has-zero-byte test), then byte by byte.
  const shortEnd = Math.min(end, j + 64);
  if (viewOf !== buf) { viewOf = buf; view = new DataView(buf.buffer, buf.byteOffset, buf.length); }
  while (j + 4 <= shortEnd) {
    const v = view.getUint32(j, true);
    const q = v ^ QUOTES, b = v ^ SLASHES;
    if ((((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - SPACES) & ~v)) & HIGHS) break;
    j += 4;
  }
  for (; j < shortEnd; j++) {
    const k = IN_STRING[buf[j]!]!;
    if (k === 0) continue;
    if (k === 1) return j + 1;
    if (k === 2) {
      lastEscaped = 1;
      const n = escapeLength(buf, j + 1, end);
      if (n < 0) { scanError = 'invalid escape in a string'; return -1; }
      j += n;
    } else { scanError = 'control character inside a string'; return -1; }
  }
  // Long strings (audio): find the next quote natively, then check it is not escaped.
  for (;;) {
    const q = buf.indexOf(QUOTE, j);
    if (q < 0 || q >= end) { scanError = 'unterminated string'; return -1; }
    let b = q - 1, n = 0;
    while (b >= j && buf[b] === BSLASH) { b--; n++; }
    if (n % 2 === 0) {
      // Whether the long part holds escapes is left to whoever decodes it: most long strings (audio) never are.
      if (!lastEscaped) lastEscaped = 2;
      return q + 1;
    }
    lastEscaped = 1;
    j = q + 1;
  }
}

// After a backslash: one of " \ / b f n r t, or u and four hex digits.
const ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrt') ESCAPES[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** How many bytes the escape after a backslash at `j - 1` takes, or -1 if it is not a valid one. */
function escapeLength(buf: Buffer, j: number, end: number): number {
  const c = buf[j];
  if (c === undefined || j >= end) return -1;
  if (ESCAPES[c]) return 1;
  if (c !== 0x75 || j + 4 >= end) return -1;
  return HEX[buf[j + 1]!] && HEX[buf[j + 2]!] && HEX[buf[j + 3]!] && HEX[buf[j + 4]!] ? 5 : -1;
}

/** Skip any JSON value starting at `i` (after whitespace); return the index after it, or -1. */
function skipValue(buf: Buffer, i: number, end: number): number {
  const c = buf[i];
  if (c === QUOTE) return skipString(buf, i, end);
  if (c === LBRACE || c === LBRACK) return skipNested(buf, i, end);
  let j = i;
  while (j < end && LITERAL[buf[j]!]) j++;
  if (j === i) { scanError = j < end ? `unexpected character '${String.fromCharCode(buf[j]!)}'` : 'unexpected end of line'; return -1; }
  return j;
}

/** Skip a nested object or array, checking that brackets match and strings close. */
// One stack for all nested values, reused: allocating one per value showed up in profiles.
let stack = new Uint8Array(256);

function skipNested(buf: Buffer, i: number, end: number): number {
  let depth = 0;
  let j = i;
  while (j < end) {
    const c = buf[j]!;
    if (c === QUOTE) {
      j = skipString(buf, j, end);
      if (j < 0) return -1;
      continue;
    }
    if (c === LBRACE || c === LBRACK) {
      if (depth === stack.length) { const bigger = new Uint8Array(depth * 2); bigger.set(stack); stack = bigger; }
      stack[depth++] = c;
    } else if (c === RBRACE || c === RBRACK) {
      if (depth === 0 || stack[--depth] !== (c === RBRACE ? LBRACE : LBRACK)) { scanError = 'mismatched brackets'; return -1; }
      if (depth === 0) return j + 1;
    } else if (!(isWs(c) || c === COMMA || c === COLON || LITERAL[c])) {
      scanError = `unexpected character '${String.fromCharCode(c)}'`;
      return -1;
    }
    j++;
  }
  scanError = 'unexpected end of line (truncated?)';
  return -1;
}

// The recorded keys grouped by length and first byte, so most keys are ruled out with two comparisons.
const BY_LENGTH: number[][] = Array.from({ length: MAX_KEY + 1 }, (_, n) => KEYS.flatMap((k, i) => (k.length === n ? [i] : [])));

function slotOf(buf: Buffer, ks: number, ke: number): number {
  const len = ke - ks;
  if (len > MAX_KEY) return -1;
  const candidates = BY_LENGTH[len]!;
  outer: for (let c = 0; c < candidates.length; c++) {
    const k = candidates[c]!;
    const kb = KEY_BYTES[k]!;
    for (let m = 0; m < len; m++) if (buf[ks + m] !== kb[m]) continue outer;
    return k;
  }
  return -1;
}

/**
 * Scan the object whose `{` is at `i`, recording recorded keys' spans into `spans`. When `inner` is given,
 * an object value of the key `event` is scanned into it the same way (recording envelopes).
 * Returns the index after the closing `}`, or -1 with `scanError` set.
 */
export function scanObject(buf: Buffer, i: number, end: number, spans: Spans, inner: Spans | null): number {
  let j = i + 1;
  for (let first = true; ; first = false) {
    while (j < end && isWs(buf[j]!)) j++;
    if (j >= end) { scanError = 'unexpected end of line (truncated?)'; return -1; }
    if (buf[j] === RBRACE && first) return j + 1; // {} (after a comma, a key must follow)
    if (buf[j] !== QUOTE) { scanError = 'expected a key'; return -1; }
    const ks = j + 1;
    j = skipString(buf, j, end);
    if (j < 0) return -1;
    const slot = lastEscaped === 1 ? -1 : slotOf(buf, ks, j - 1);
    while (j < end && isWs(buf[j]!)) j++;
    if (buf[j] !== COLON) { scanError = "expected ':' after a key"; return -1; }
    j++;
    while (j < end && isWs(buf[j]!)) j++;
    const vs = j;
    if (inner !== null && slot === Slot.event && buf[j] === LBRACE) {
      j = scanObject(buf, j, end, inner, null);
    } else {
      j = skipValue(buf, j, end);
    }
    if (j < 0) return -1;
    // A repeated key: JSON.parse keeps the last one, and so do we.
    if (slot >= 0) spans.set(slot, vs, j, buf[vs] === QUOTE ? lastEscaped : 0);
    while (j < end && isWs(buf[j]!)) j++;
    if (buf[j] === COMMA) { j++; continue; }
    if (buf[j] === RBRACE) return j + 1;
    scanError = j >= end ? 'unexpected end of line (truncated?)' : "expected ',' or '}'";
    return -1;
  }
}

/** The decoded string at a span (which includes its quotes). */
export function spanString(buf: Buffer, s: number, e: number, escaped: number): string {
  if (escaped === 2) escaped = hasEscape(buf, s, e) ? 1 : 0;
  if (!escaped) return buf.toString('utf8', s + 1, e - 1);
  try {
    return JSON.parse(buf.toString('utf8', s, e)) as string;
  } catch {
    // Escapes in long strings are not checked by the scan: a bad one shows as written, never throws.
    return buf.toString('utf8', s + 1, e - 1);
  }
}

/** Whether a string span holds a backslash (an escape). */
export function hasEscape(buf: Buffer, s: number, e: number): boolean {
  return buf.subarray(s + 1, e - 1).indexOf(BSLASH) >= 0;
}

/** Bytes of audio a base64 string span (with quotes) decodes to, without decoding it. */
export function base64Bytes(buf: Buffer, s: number, e: number): number {
  let n = e - s - 2;
  if (n <= 0) return 0;
  let pad = 0;
  if (buf[e - 2] === 0x3d) pad++;
  if (pad && buf[e - 3] === 0x3d) pad++;
  return Math.floor((n * 3) / 4) - pad;
}
