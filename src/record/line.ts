import { isUtf8 } from 'node:buffer';
import { Slot, Spans, scanObject } from '../scan/scan.js';

const spans = new Spans();

/**
 * The longest recording line rtev writes: the readers' line limit (MAX_LINE_BYTES in sources/read.ts), so that
 * every line a recorder writes is read back.
 */
export const MAX_RECORDING_LINE = 256 * 1024 * 1024;

/**
 * Whether the bytes are exactly one JSON object with a string `type` (structure checked by the scanner, as readers
 * do): an event, which readers take back as one. Any other JSON (`{"a":1}`) is kept as text, which they also do.
 */
function isEventObject(data: Buffer): boolean {
  let s = 0, e = data.length;
  while (s < e && (data[s] === 0x20 || data[s] === 0x09 || data[s] === 0x0a || data[s] === 0x0d)) s++;
  while (e > s && (data[e - 1] === 0x20 || data[e - 1] === 0x09 || data[e - 1] === 0x0a || data[e - 1] === 0x0d)) e--;
  if (data[s] !== 0x7b) return false;
  spans.reset();
  return scanObject(data, s, e, spans, null) === e && spans.start(Slot.type) >= 0 && data[spans.start(Slot.type)] === 0x22;
}

/** The length of `JSON.stringify` of valid UTF-8 text, in bytes, without building it. */
function escapedLength(data: Buffer): number {
  let n = 2;
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    n += c === 0x22 || c === 0x5c || c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : c < 0x20 ? 6 : 1;
  }
  return n;
}

/** Why a text frame is kept as its bytes, or null when it can be kept as text. */
function textAsBytes(data: Buffer, room: number): string | null {
  if (!isUtf8(data)) return 'invalid UTF-8';
  // Escaping can make text up to 6 times longer: count exactly only when that could pass the limit.
  if (data.length * 6 + 2 > room && escapedLength(data) > room) return 'too long to escape';
  return null;
}

/**
 * One line of the recording format (PRODUCT.md §3) for one frame: an event (a JSON object with a string `type`) is
 * spliced verbatim into `"event"`, other text is kept as `"text"`, binary as base64 `"binary"`. A JSON frame with raw newlines
 * (pretty-printed) would break the line, so only those bytes become spaces, which JSON reads the same.
 * A text frame that is not valid UTF-8 (or whose escaped form would pass the line limit) is kept losslessly as
 * its bytes, `"binary"`, with `"text_frame"` saying why: a replay sends it back as the text frame it was.
 */
export function recordingLine(ts: string, dir: 'server' | 'client', data: Buffer, isBinary: boolean): Buffer {
  const head = `{"ts":"${ts}","dir":"${dir}",`;
  if (isBinary) return Buffer.from(`${head}"binary":"${data.toString('base64')}"}`);
  const asBytes = textAsBytes(data, MAX_RECORDING_LINE - head.length - 9);
  if (asBytes !== null) return Buffer.from(`${head}"binary":"${data.toString('base64')}","text_frame":"${asBytes}"}`);
  if (isEventObject(data)) {
    let body = data;
    if (body.includes(0x0a) || body.includes(0x0d)) {
      body = Buffer.from(body);
      for (let i = 0; i < body.length; i++) if (body[i] === 0x0a || body[i] === 0x0d) body[i] = 0x20;
    }
    return Buffer.concat([Buffer.from(`${head}"event":`), body, Buffer.from('}')]);
  }
  return Buffer.from(`${head}"text":${JSON.stringify(data.toString('utf8'))}}`);
}

/**
 * A text frame's recording line and what a reader makes of it, with the frame scanned once: the line is built
 * with the frame spliced in as its `event`, and read by `read` (classifyLine). It stands when the event read
 * spans exactly the frame, which is then one JSON object, as recordingLine's own check would have found (two
 * objects, or keys after the first, end the event before the frame's end). Null otherwise (not an object, no
 * string type, raw line breaks, not UTF-8): the caller takes recordingLine's way, and reads its line.
 */
export function readEventLine<F extends { kind: string; evStart: number; evEnd: number }>(
  ts: string, dir: 'server' | 'client', data: Buffer, read: (line: Buffer) => F | string | null,
): { line: Buffer; frame: F } | null {
  if (data.indexOf(0x0a) >= 0 || data.indexOf(0x0d) >= 0) return null;
  const head = `{"ts":"${ts}","dir":"${dir}",`;
  if (textAsBytes(data, MAX_RECORDING_LINE - head.length - 9) !== null) return null;
  let s = 0, e = data.length;
  while (s < e && (data[s] === 0x20 || data[s] === 0x09)) s++;
  while (e > s && (data[e - 1] === 0x20 || data[e - 1] === 0x09)) e--;
  if (data[s] !== 0x7b) return null;
  const at = head.length + 8; // after `"event":`
  const line = Buffer.allocUnsafe(at + data.length + 1);
  line.write(head + '"event":', 0, 'latin1');
  data.copy(line, at);
  line[line.length - 1] = 0x7d;
  const frame = read(line);
  if (frame === null || typeof frame === 'string' || frame.kind !== 'event' || frame.evStart !== at + s || frame.evEnd !== at + e) return null;
  return { line, frame };
}

const TEXT_FRAME = Buffer.from('"text_frame":"');

/**
 * For a `"binary"` recording line: why the text frame it keeps was recorded as bytes ("invalid UTF-8", …), or
 * null for a real binary frame. Base64 holds no quote, so the key is found by a plain search.
 */
export function textFrameNote(line: Buffer): string | null {
  const i = line.indexOf(TEXT_FRAME);
  if (i < 0) return null;
  const s = i + TEXT_FRAME.length;
  const e = line.indexOf(0x22, s);
  return e < 0 ? null : line.toString('utf8', s, e);
}
