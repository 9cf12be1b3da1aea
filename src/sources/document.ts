/**
 * Whole-document inputs: a JSON array of events, a HAR file's WebSocket messages, or one pretty-printed
 * event. Each is turned into the JSONL lines rtev reads everywhere else (bare events, or recording lines
 * for HAR, whose messages carry direction and time).
 */

/** One synthetic line and the number that locates it in the document (element or message, from 1). */
export interface DocLine { n: number; text: string }

/** The lines, and for a HAR file the URL of its WebSocket (which decides the protocol). */
export type DocResult = { lines: DocLine[]; url?: string } | { error: string };

interface HarMessage { type?: unknown; time?: unknown; opcode?: unknown; data?: unknown }

export function documentLines(text: string): DocResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { error: `not JSONL, and not a valid JSON document (${(e as Error).message})` };
  }
  if (Array.isArray(doc)) return { lines: doc.map((el, i) => ({ n: i + 1, text: JSON.stringify(el) })) };
  if (doc !== null && typeof doc === 'object') {
    const log = (doc as { log?: { entries?: unknown } }).log;
    if (log && Array.isArray(log.entries)) return harLines(log.entries);
    if (typeof (doc as { type?: unknown }).type === 'string') return { lines: [{ n: 1, text: JSON.stringify(doc) }] };
  }
  return { error: 'a JSON document that is neither an array of events nor a HAR file' };
}

function harLines(entries: unknown[]): DocResult {
  const lines: DocLine[] = [];
  let n = 0;
  let url: string | undefined;
  for (const entry of entries) {
    const msgs = (entry as { _webSocketMessages?: unknown })?._webSocketMessages;
    if (!Array.isArray(msgs)) continue;
    const u = (entry as { request?: { url?: unknown } }).request?.url;
    if (url === undefined && typeof u === 'string') url = u;
    for (const m of msgs as HarMessage[]) {
      n++;
      const dir = m.type === 'receive' ? 'server' : m.type === 'send' ? 'client' : null;
      if (dir === null || typeof m.data !== 'string') {
        lines.push({ n, text: '{"har":"a WebSocket message without type send/receive or string data"}' });
        continue;
      }
      const ts = typeof m.time === 'number' ? `"ts":${JSON.stringify(new Date(m.time * 1000).toISOString())},` : '';
      const head = `{${ts}"dir":"${dir}",`;
      if (m.opcode === 2) lines.push({ n, text: `${head}"binary":${JSON.stringify(m.data)}}` });
      else {
        const ev = jsonObjectText(m.data);
        lines.push({ n, text: ev === null ? `${head}"text":${JSON.stringify(m.data)}}` : `${head}"event":${ev}}` });
      }
    }
  }
  if (n === 0) return { error: 'a HAR file without WebSocket messages (export it from the Network tab with the WS connection selected)' };
  return url === undefined ? { lines } : { lines, url };
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
