import { Spans, scanObject } from '../scan/scan.js';

const spans = new Spans();

/** Whether the bytes are exactly one JSON object (structure checked by the scanner, as readers do). */
function isJsonObject(data: Buffer): boolean {
  let s = 0, e = data.length;
  while (s < e && (data[s] === 0x20 || data[s] === 0x09 || data[s] === 0x0a || data[s] === 0x0d)) s++;
  while (e > s && (data[e - 1] === 0x20 || data[e - 1] === 0x09 || data[e - 1] === 0x0a || data[e - 1] === 0x0d)) e--;
  if (data[s] !== 0x7b) return false;
  spans.reset();
  return scanObject(data, s, e, spans, null) === e;
}

/**
 * One line of the recording format (PRODUCT.md §3) for one frame: a JSON object is spliced verbatim into
 * `"event"`, other text is kept as `"text"`, binary as base64 `"binary"`. A JSON frame with raw newlines
 * (pretty-printed) would break the line, so only those bytes become spaces, which JSON reads the same.
 */
export function recordingLine(ts: string, dir: 'server' | 'client', data: Buffer, isBinary: boolean): Buffer {
  const head = `{"ts":"${ts}","dir":"${dir}",`;
  if (isBinary) return Buffer.from(`${head}"binary":"${data.toString('base64')}"}`);
  if (isJsonObject(data)) {
    let body = data;
    if (body.includes(0x0a) || body.includes(0x0d)) {
      body = Buffer.from(body);
      for (let i = 0; i < body.length; i++) if (body[i] === 0x0a || body[i] === 0x0d) body[i] = 0x20;
    }
    return Buffer.concat([Buffer.from(`${head}"event":`), body, Buffer.from('}')]);
  }
  return Buffer.from(`${head}"text":${JSON.stringify(data.toString('utf8'))}}`);
}
