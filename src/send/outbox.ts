import { readFileSync } from 'node:fs';
import { readWav, WavError, type Pcm } from '../audio/wav.js';

/** What `tail` sends once the session is up (see handshake.ts), in the order the options were given. */
export type Outgoing =
  | { kind: 'events'; flag: '--send' | '--say'; texts: string[] }
  | { kind: 'audio'; name: string; pcm: Pcm }
  /**
   * Events at set times (ms after sending starts, already scaled), each once `after` server frames have come
   * (the recording's order), read as they are due (`rtev demo`).
   */
  | { kind: 'timed'; frames: AsyncIterable<{ ms: number; after: number; text: string }> };

/** A bad --send, --say or --audio: a usage error (exit 2), and nothing is sent. */
export class SendError extends Error {}

function checkEvent(v: unknown, where: string): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SendError(`${where}: not a JSON object`);
  if (typeof (v as { type?: unknown }).type !== 'string') throw new SendError(`${where}: the event has no string "type"`);
}

function parse(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SendError(`${where}: invalid JSON (${(e as Error).message})`);
  }
}

/** --send JSON|FILE: one event, a JSON array of events, or a file of JSONL or a JSON array. */
export function sendEvents(value: string, index: number): string[] {
  const inline = /^\s*[{[]/.test(value);
  const text = inline ? value : readText(value);
  const name = inline ? `--send #${index}` : `--send ${value}`;
  if (/^\s*\[/.test(text)) {
    const arr = parse(text, name) as unknown[];
    arr.forEach((v, i) => checkEvent(v, `${name}[${i}]`));
    return arr.map((v) => JSON.stringify(v));
  }
  if (inline) {
    checkEvent(parse(text, name), name);
    return [text.trim()];
  }
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${name}:${i + 1}`;
    checkEvent(parse(line, where), where);
    out.push(line.trim());
  });
  return out;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new SendError(`--send ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** --say TEXT: a user text message, then a response. */
export function sayEvents(text: string): string[] {
  return [
    JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } }),
    JSON.stringify({ type: 'response.create' }),
  ];
}

/** Build everything to send from the options in command-line order; throws SendError before anything is sent. */
export function planOutgoing(items: { flag: '--send' | '--say' | '--audio'; value: string }[]): Outgoing[] {
  let sends = 0;
  return items.map(({ flag, value }) => {
    if (flag === '--send') return { kind: 'events', flag, texts: sendEvents(value, ++sends) };
    if (flag === '--say') return { kind: 'events', flag, texts: sayEvents(value) };
    let buf: Buffer;
    try {
      buf = readFileSync(value);
    } catch (e) {
      throw new SendError(`--audio ${value}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    try {
      return { kind: 'audio', name: value, pcm: readWav(buf, `--audio ${value}`) };
    } catch (e) {
      if (e instanceof WavError) throw new SendError(e.message);
      throw e;
    }
  });
}

/** The --send/--say/--audio options of an argument list, in their order (commander keeps each list apart). */
export function outgoingOrder(argv: readonly string[]): { flag: '--send' | '--say' | '--audio'; value: string }[] {
  const out: { flag: '--send' | '--say' | '--audio'; value: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const m = /^(--send|--say|--audio)(?:=(.*))?$/s.exec(a);
    if (!m) continue;
    const value = m[2] ?? argv[++i];
    if (value !== undefined) out.push({ flag: m[1] as '--send' | '--say' | '--audio', value });
  }
  return out;
}
