import type { Protocol, Tag } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { classifyLine, detectProtocol } from '../pipeline/classify.js';
import { protocolFromUrl } from '../events/protocol.js';
import { documentLines } from './document.js';
import { openDecoded, sourceName, type Peekable } from './input.js';
import { LineSplitter } from './lines.js';
import type { MalformedReport } from './report.js';

/** The documented limits: a JSONL line, and a whole JSON array or HAR document. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
export const MAX_DOC_BYTES = 512 * 1024 * 1024;

export interface ReadOptions {
  stdin: NodeJS.ReadableStream;
  report: MalformedReport;
  maxLineBytes?: number;
  maxDocBytes?: number;
  /** Lines whose type fails this are dropped unread (see compileTypePrefilter). */
  keepTag?: (tag: Tag) => boolean;
  /** Read every source as this protocol (--protocol); otherwise each source's own is detected. */
  protocol?: Protocol;
  /** A source that cannot be read: reported, and the others are still read. Without it, readFrames throws. */
  onSourceError?: (e: SourceError) => void;
}

/** A source that cannot be read at all (missing file, unreadable document): one line, exit 1. */
export class SourceError extends Error {}

/**
 * Every frame of every SOURCE, in order, in batches (one batch per chunk read, so consumers can keep
 * up with back-pressure without paying an `await` per line). Malformed lines go to `report`.
 */
export async function* readFrames(specs: readonly string[], opts: ReadOptions): AsyncGenerator<Frame[]> {
  let seq = 0;
  for (const spec of specs.length ? specs : ['-']) {
    try {
      for await (const batch of readSource(spec, opts)) {
        for (const f of batch) f.seq = ++seq;
        yield batch;
      }
    } catch (e) {
      if (!(e instanceof SourceError) || !opts.onSourceError) throw e;
      opts.onSourceError(e);
    }
  }
}

async function* readSource(spec: string, opts: ReadOptions): AsyncGenerator<Frame[]> {
  const name = sourceName(spec);
  try {
    const input = await openDecoded(spec, opts.stdin);
    if (await looksLikeDocument(input, opts.maxLineBytes ?? MAX_LINE_BYTES)) yield* readDocument(name, input, opts);
    else yield* readJsonl(name, input, opts, opts.protocol ?? detectProtocol(Buffer.concat(input.head)) ?? 'realtime');
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(`${name}: ${describeIoError(e)}`);
  }
}

async function* readJsonl(name: string, input: AsyncIterable<Buffer> | Iterable<Buffer>, opts: ReadOptions, protocol: Protocol): AsyncGenerator<Frame[]> {
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  let batch: Frame[] = [];
  const splitter = new LineSplitter(maxLine, {
    line(buf, start, end, lineNo) {
      const r = classifyLine(name, lineNo, buf, start, end, opts.keepTag, protocol);
      if (typeof r === 'string') opts.report.add(`${name}:${lineNo}`, r);
      else if (r !== null) batch.push(r);
    },
    tooLong(lineNo, bytes) {
      opts.report.add(`${name}:${lineNo}`, `line of ${mib(bytes)} is over the ${mib(maxLine)} limit, skipped`);
    },
  });
  for await (const chunk of input) {
    splitter.push(chunk);
    if (batch.length) { yield batch; batch = []; }
  }
  splitter.end();
  if (batch.length) yield batch;
}

async function* readDocument(name: string, input: AsyncIterable<Buffer>, opts: ReadOptions): AsyncGenerator<Frame[]> {
  const max = opts.maxDocBytes ?? MAX_DOC_BYTES;
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += chunk.length;
    if (size > max) throw new SourceError(`${name}: a JSON document over the ${mib(max)} limit; convert it to JSONL (jq -c '.[]')`);
    parts.push(chunk);
  }
  const whole = Buffer.concat(parts, size);
  const doc = documentLines(whole.toString('utf8'));
  if ('error' in doc) {
    // JSONL whose first line is cut short looked like a document: read it as JSONL after all.
    if (/^\s*\{"[^\n]*\r?\n\s*\{"/.test(whole.toString('utf8', 0, Math.min(size, 1 << 20)))) {
      yield* readJsonl(name, [whole], opts, opts.protocol ?? detectProtocol(whole) ?? 'realtime');
      return;
    }
    throw new SourceError(`${name}: ${doc.error}`);
  }
  const protocol = opts.protocol ?? (doc.url !== undefined ? protocolFromUrl(doc.url) : null)
    ?? detectProtocol(Buffer.from(doc.lines.slice(0, 64).map((l) => l.text).join('\n'))) ?? 'realtime';
  const batch: Frame[] = [];
  for (const { n, text } of doc.lines) {
    const buf = Buffer.from(text);
    const r = classifyLine(name, n, buf, 0, buf.length, opts.keepTag, protocol);
    if (typeof r === 'string') opts.report.add(`${name}:${n}`, r);
    else if (r !== null) batch.push(r);
  }
  yield batch;
}

/**
 * Decide from content whether the input is one JSON document (array, HAR, pretty-printed object) or JSONL:
 * a document starts with `[`, or its first line is an incomplete object, or it is a single-line HAR.
 */
async function looksLikeDocument(input: Peekable, maxLine: number): Promise<boolean> {
  let head = Buffer.concat(input.head);
  while (head.indexOf(10) < 0 && head.length < maxLine && (await input.more())) head = Buffer.concat(input.head);
  let i = 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09 || head[i] === 0xef || head[i] === 0xbb || head[i] === 0xbf)) i++;
  if (head[i] === 0x5b) return true;
  if (head[i] !== 0x7b) return false;
  const nl = head.indexOf(10, i);
  const r = classifyLine('', 0, head, i, nl < 0 ? head.length : nl);
  if (typeof r !== 'string') return false;
  return /truncated/.test(r) || /^\s*\{\s*"log"\s*:/.test(head.toString('utf8', i, Math.min(head.length, i + 64)));
}

function mib(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(n % (1 << 20) ? 1 : 0)} MiB` : `${n} bytes`;
}

function describeIoError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'Z_DATA_ERROR': case 'Z_BUF_ERROR': return `corrupt gzip data (${err.message})`;
    default: return err?.message ?? String(e);
  }
}
