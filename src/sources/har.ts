/**
 * A HAR file's WebSocket message (`{type: send|receive, time, opcode, data}`) as a recording line, so that it
 * is read like any other: `receive` is server, `send` is client, `time` (seconds) the timestamp, a JSON-object
 * message spliced verbatim as the event, other text as `text`, binary (opcode 2) as `binary`.
 */

const MAX_MS = 253402300799999;

/** The recording line for one message, or the reason it cannot be read. */
export function harMessageLine(unit: Buffer): Buffer | string {
  let m: { type?: unknown; time?: unknown; opcode?: unknown; data?: unknown } | null;
  try {
    m = JSON.parse(unit.toString('utf8'));
  } catch (e) {
    return `invalid JSON in a WebSocket message (${(e as Error).message})`;
  }
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return 'a WebSocket message that is not an object';
  const dir = m.type === 'receive' ? 'server' : m.type === 'send' ? 'client' : null;
  if (dir === null || typeof m.data !== 'string') return 'a WebSocket message without type send/receive or string data';
  // A time that is no date (1e20) is left out, not fatal: the message is still read.
  const ms = typeof m.time === 'number' ? m.time * 1000 : NaN;
  const ts = ms >= 0 && ms <= MAX_MS ? `"ts":"${new Date(ms).toISOString()}",` : '';
  const head = `{${ts}"dir":"${dir}",`;
  if (m.opcode === 2) return Buffer.from(`${head}"binary":${JSON.stringify(m.data)}}`);
  const ev = jsonObjectText(m.data);
  return Buffer.from(ev === null ? `${head}"text":${JSON.stringify(m.data)}}` : `${head}"event":${ev}}`);
}

// A JSON-object message is spliced verbatim, so replays stay byte-identical; one with a raw newline would
// break the line it is spliced into, so only that one is re-serialised. Null when it is not a JSON object.
function jsonObjectText(s: string): string | null {
  if (!/^\s*\{/.test(s)) return null;
  try {
    const v = JSON.parse(s);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    return /[\r\n]/.test(s) ? JSON.stringify(v) : s;
  } catch {
    return null;
  }
}
