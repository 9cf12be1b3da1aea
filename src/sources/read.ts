import type { Protocol, Tag } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { protocolFromUrl } from '../events/protocol.js';
import { classifyLine, detectProtocol, lineProtocol } from '../pipeline/classify.js';
import { scanObject, scanValue, scanError, Slot, Spans } from '../scan/scan.js';
import { capturesIn, isFolder, NO_CAPTURES } from './folders.js';
import { harMessageLine } from './har.js';
import { openDecoded, sourceName, type Peekable } from './input.js';
import { JsonStreamSplitter, type UnitKind } from './json-stream.js';
import { LineSplitter } from './lines.js';
import type { MalformedReport } from './report.js';

/**
 * The documented limit of one line (of JSONL, or one element, object or message of a JSON document): above
 * the largest frame the live side accepts (128 MiB), so that whatever rtev records, it reads back.
 */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

export interface ReadOptions {
  stdin: NodeJS.ReadableStream;
  report: MalformedReport;
  maxLineBytes?: number;
  /** Lines whose type fails this are dropped unread (see compileTypePrefilter). */
  keepTag?: (tag: Tag) => boolean;
  /** Read every source as this protocol (--protocol); otherwise each source's own is detected. */
  protocol?: Protocol;
  /** Each recording meta line (`{"dir":"meta","rtev":{…}}`), with its source and line: `check` reads endpoints and close codes. */
  onMeta?: (source: string, line: number, rtev: unknown) => void;
  /** A source that cannot be read: reported, and the others are still read. Without it, readFrames throws. */
  onSourceError?: (e: SourceError) => void;
  /** After each file is read (or failed): per-source state ends here (each source is its own session). */
  onSourceEnd?: () => void;
  /** After each file read without a source error (a command tells "nothing could be read" from it). */
  onSourceRead?: () => void;
}

/** A source that cannot be read at all (missing file, nothing readable in it): one line, exit 1. */
export class SourceError extends Error {}

/**
 * Where frames go as they are read, one at a time and in order: a frame is handed over while its line is
 * being split, so that a consumer that keeps nothing lets it die young (no batch of thousands of frames
 * outlives a garbage collection).
 */
export interface FrameSink {
  /** Each frame; false stops the reading. */
  frame(f: Frame): boolean | void;
  /** After each chunk of input (about 256 KiB): awaited, so that back-pressure reaches the reader; false stops. */
  chunk?(): Promise<boolean | void> | boolean | void;
}

/**
 * Every frame of every SOURCE, in order, handed to `sink`. A folder stands for every capture in it.
 * Malformed lines go to `report`; meta lines to `onMeta`, in their place among the frames. Returns how many
 * frames were read (the last `seq`).
 */
export async function readSources(specs: readonly string[], opts: ReadOptions, sink: FrameSink): Promise<number> {
  const fail = (e: unknown) => {
    if (!(e instanceof SourceError) || !opts.onSourceError) throw e;
    opts.onSourceError(e);
  };
  const state = { seq: 0, stopped: false };
  for (const spec of specs.length ? specs : ['-']) {
    let files = [spec];
    if (isFolder(spec)) {
      try {
        files = capturesIn(spec);
      } catch (e) {
        fail(new SourceError(`${spec}: ${describeIoError(e)}`));
        continue;
      }
      if (!files.length) { fail(new SourceError(`${spec}: ${NO_CAPTURES}`)); continue; }
    }
    for (const file of files) {
      try {
        await readSource(file, opts, sink, state);
        opts.onSourceRead?.();
      } catch (e) {
        fail(e);
      }
      opts.onSourceEnd?.();
      if (state.stopped) return state.seq;
    }
  }
  return state.seq;
}

/** The frames of every SOURCE in batches, one per chunk read: for consumers that await between frames (replay). */
export async function* readFrames(specs: readonly string[], opts: ReadOptions): AsyncGenerator<Frame[]> {
  // The reader pauses after each chunk until the consumer has taken its batch and asks for the next.
  const queue: (Frame[] | null)[] = [];
  let wake: (() => void) | null = null;
  let resume: (() => void) | null = null;
  let stop = false;
  let failure: { e: unknown } | null = null;
  let batch: Frame[] = [];
  const put = (b: Frame[] | null) => {
    queue.push(b);
    const w = wake;
    wake = null;
    w?.();
  };
  const reading = readSources(specs, opts, {
    frame(f) { batch.push(f); },
    chunk() {
      if (stop) return false;
      if (!batch.length) return;
      put(batch);
      batch = [];
      return new Promise<boolean>((r) => { resume = () => r(!stop); });
    },
  }).catch((e) => { failure = { e }; }).finally(() => {
    if (batch.length) put(batch);
    put(null);
  });
  const proceed = () => {
    const r = resume;
    resume = null;
    r?.();
  };
  try {
    for (;;) {
      while (!queue.length) await new Promise<void>((r) => { wake = r; });
      const b = queue.shift()!;
      if (b === null) break;
      yield b;
      proceed();
    }
  } finally {
    stop = true;
    proceed();
    await reading;
  }
  if (failure) throw (failure as { e: unknown }).e;
}

async function readSource(spec: string, opts: ReadOptions, sink: FrameSink, state: ReadState): Promise<void> {
  const name = sourceName(spec);
  const log = new SourceLog(name, opts.report);
  try {
    const input = await openDecoded(spec, opts.stdin);
    if (await isDocument(input)) await readStream(name, input, opts, log, sink, state);
    else await readJsonl(name, input, opts, log, opts.protocol ?? detectProtocol(Buffer.concat(input.head)) ?? 'realtime', sink, state);
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError(`${name}: ${describeIoError(e)}`);
  }
  log.finish();
}

interface ReadState { seq: number; stopped: boolean }

/** Hand one classified line on: a frame to the sink, a reason to the log, a meta line to `onMeta`. */
function deliver(r: Frame | string | null, name: string, n: number, buf: Buffer, start: number, end: number, opts: ReadOptions, log: SourceLog, sink: FrameSink, state: ReadState): void {
  if (r === null) {
    if (!log.readable && !isBlank(buf, start, end)) log.ok(); // a meta line, or one dropped by type
    if (opts.onMeta) meta(name, n, buf, start, end, opts.onMeta);
  } else if (typeof r === 'string') {
    log.malformed(n, r, buf, start, end);
  } else {
    if (!log.readable) log.ok();
    r.seq = ++state.seq;
    if (sink.frame(r) === false) state.stopped = true;
  }
}

/** After a chunk: the sink's back-pressure, and whether to go on. */
async function afterChunk(sink: FrameSink, state: ReadState): Promise<boolean> {
  if (!state.stopped && sink.chunk && (await sink.chunk()) === false) state.stopped = true;
  return !state.stopped;
}

async function readJsonl(name: string, input: AsyncIterable<Buffer>, opts: ReadOptions, log: SourceLog, protocol: Protocol, sink: FrameSink, state: ReadState): Promise<void> {
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const keepTag = opts.keepTag;
  const splitter: LineSplitter = new LineSplitter(maxLine, {
    line(buf, start, end, lineNo) {
      deliver(classifyLine(name, lineNo, buf, start, end, keepTag, protocol), name, lineNo, buf, start, end, opts, log, sink, state);
      if (state.stopped) splitter.stop();
    },
    tooLong(lineNo, bytes) {
      log.malformed(lineNo, `line of ${mib(bytes)} is over the ${mib(maxLine)} limit, skipped`);
    },
  });
  for await (const chunk of input) {
    splitter.push(chunk);
    if (!(await afterChunk(sink, state))) return;
  }
  splitter.end();
  await afterChunk(sink, state);
}

/**
 * A JSON document, streamed unit by unit (json-stream.ts): an array's elements, a sequence of (pretty-printed)
 * objects, or a HAR file's messages. Units wait, up to 64, until one of them (or a HAR request URL) decides the
 * protocol; then every unit is classified like a JSONL line.
 */
async function readStream(name: string, input: AsyncIterable<Buffer>, opts: ReadOptions, log: SourceLog, sink: FrameSink, state: ReadState): Promise<void> {
  let protocol: Protocol | null = opts.protocol ?? null;
  let waiting: { buf: Buffer; n: number }[] = [];
  const classify = (buf: Buffer, n: number, p: Protocol) => {
    if (!state.stopped) deliver(classifyLine(name, n, buf, 0, buf.length, opts.keepTag, p), name, n, buf, 0, buf.length, opts, log, sink, state);
  };
  const decide = (p: Protocol) => {
    protocol = p;
    for (const w of waiting) classify(w.buf, w.n, p);
    waiting = [];
  };
  const item = (buf: Buffer, n: number) => {
    if (protocol !== null) return classify(buf, n, protocol);
    waiting.push({ buf, n });
    const p = lineProtocol(buf, 0, buf.length);
    if (p !== null || waiting.length >= 64) decide(p ?? 'realtime');
  };
  const splitter = new JsonStreamSplitter(opts.maxLineBytes ?? MAX_LINE_BYTES, {
    unit(kind: UnitKind, buf: Buffer, n: number) {
      if (kind !== 'message') return item(buf, n);
      const line = harMessageLine(buf);
      if (typeof line === 'string') log.malformed(n, line, buf, 0, buf.length);
      else item(line, n);
    },
    url(url: string) {
      if (protocol === null) {
        const p = protocolFromUrl(url);
        if (p !== null) decide(p);
      }
    },
    broken(n: number, reason: string) {
      log.malformed(n, reason);
    },
  });
  for await (const chunk of input) {
    splitter.push(chunk);
    if (!(await afterChunk(sink, state))) return;
  }
  splitter.end();
  if (splitter.har && splitter.messages === 0) {
    throw new SourceError(`${name}: a HAR file without WebSocket messages (export it from the Network tab with the WS connection selected)`);
  }
  if (protocol === null) decide('realtime');
  await afterChunk(sink, state);
  log.unit = splitter.har ? 'message' : splitter.elements > 0 ? 'element' : 'object';
}

/**
 * Whether the input is a JSON document (streamed by readStream) rather than JSONL, from its first line:
 * - `[…` is an array, unless its first line is a whole value followed by more lines (`[]` heading JSONL);
 * - `{…` is JSONL when its first line is a whole object, unless that object is a HAR file (`log`, one line);
 *   a first line that is an unfinished object (`{` alone, pretty-printed) starts a document, unless the next
 *   line starts a JSONL object (a first line cut short);
 * - a first line longer than the look-ahead, starting with `[` or `{`, is a document (it is streamed either way).
 */
async function isDocument(input: Peekable): Promise<boolean> {
  const LOOK = 4 << 20;
  let head = Buffer.concat(input.head);
  // The first byte after whitespace and a byte-order mark, and the end of its line (or of the look-ahead).
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  for (;;) {
    while (i < head.length && isWsByte(head[i]!)) i++;
    if (i < head.length || !(await input.more())) break;
    head = Buffer.concat(input.head);
  }
  const c = head[i];
  if (c !== 0x5b && c !== 0x7b) return false;
  let nl = head.indexOf(10, i);
  while (nl < 0 && head.length < LOOK && (await input.more())) { head = Buffer.concat(input.head); nl = head.indexOf(10, i); }
  if (nl < 0 && !input.done) return true;
  let e = nl < 0 ? head.length : nl;
  while (e > i && isWsByte(head[e - 1]!)) e--;
  const after = scanValue(head, i, e);
  const complete = after === e;
  // Is there anything after the first line?
  let more = false;
  if (nl >= 0) {
    let k = nl + 1;
    for (;;) {
      while (k < head.length && isWsByte(head[k]!)) k++;
      if (k < head.length) { more = true; break; }
      if (!(await input.more())) break;
      head = Buffer.concat(input.head);
    }
  }
  if (c === 0x5b) return !(complete && more);
  if (complete) {
    // A one-line HAR file: an object with a `log` object and no type, direction or event.
    const sp = new Spans();
    scanObject(head, i, e, sp, null);
    const log = sp.start(Slot.log);
    return log >= 0 && head[log] === 0x7b && sp.start(Slot.type) < 0 && sp.start(Slot.event) < 0;
  }
  if (after >= 0 || !/truncated|unterminated/.test(scanError)) return false; // a malformed first line
  return nl < 0 || !/^\s*\{"/.test(head.toString('utf8', nl + 1, Math.min(head.length, nl + 64)));
}

/**
 * The malformed lines of one source, held back until the source proves readable: a source in which nothing
 * is readable is one line (`nothing could be read`, with what its first line looks like), not a screenful.
 */
class SourceLog {
  readable = false;
  /** What the source is made of, for the message: line, element, object or message. */
  unit = 'line';
  private held: [number, string][] = [];
  private count = 0;
  private firstLooks = '';

  constructor(private readonly name: string, private readonly report: MalformedReport) {}

  malformed(n: number, reason: string, buf?: Buffer, start = 0, end = 0): void {
    if (this.readable) return this.report.add(`${this.name}:${n}`, reason);
    if (this.count === 0 && buf) this.firstLooks = buf.toString('utf8', start, Math.min(end, start + 60)) + (end - start > 60 ? '…' : '');
    this.count++;
    if (this.held.length < 10) this.held.push([n, reason]);
  }

  /** Something was read: the reports held back are written. */
  ok(): void {
    this.readable = true;
    for (const [n, reason] of this.held) this.report.add(`${this.name}:${n}`, reason);
    this.report.addUnshown(this.count - this.held.length);
    this.held = [];
    this.count = 0;
  }

  /** The end of the source: when nothing was readable, its malformed lines become one error. */
  finish(): void {
    if (this.readable || this.count === 0) return;
    const [n, reason] = this.held[0]!;
    if (this.count === 1 && n === 0) throw new SourceError(`${this.name}: nothing could be read: ${reason}`); // `[` and no more
    const all = this.count === 1 ? `its only ${this.unit} is malformed` : `all ${this.count} ${this.unit}s are malformed`;
    const where = this.unit === 'object' ? `line ${n}` : `${this.unit} ${n}`;
    const looks = this.firstLooks ? ` ${JSON.stringify(this.firstLooks)}` : '';
    throw new SourceError(`${this.name}: nothing could be read: ${all}; ${where}${looks}: ${reason}`);
  }
}

/** Hand a meta line (a line classifyLine found no frame in, that is not blank) to `onMeta`, parsed: meta lines are small. */
function meta(source: string, line: number, buf: Buffer, s: number, e: number, onMeta: NonNullable<ReadOptions['onMeta']>): void {
  if (isBlank(buf, s, e)) return;
  let v: any;
  try {
    v = JSON.parse(buf.toString('utf8', s, e));
  } catch {
    return;
  }
  if (v?.dir === 'meta' && v.rtev && typeof v.rtev === 'object') onMeta(source, line, v.rtev);
}

const isWsByte = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function isBlank(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isWsByte(buf[i]!)) return false;
  return true;
}

function mib(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(n % (1 << 20) ? 1 : 0)} MiB` : `${n} bytes`;
}

export function describeIoError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ENXIO': return 'cannot be opened (a socket? give it on stdin as -)';
    case 'Z_DATA_ERROR': case 'Z_BUF_ERROR': return `corrupt gzip data (${err.message})`;
    default: return err?.message ?? String(e);
  }
}
