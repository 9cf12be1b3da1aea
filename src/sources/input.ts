import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

// 256 KiB: a frame that lives on keeps its whole chunk alive until the next full collection, and with three
// chunks in hand (the current one and two reads ahead) 1 MiB chunks cost `check` and `stats` 15–20 MB more peak
// RSS on the event-heavy capture (152 against 138 MB for `check`), for no measurable speed.
const CHUNK = 1 << 18;
/** Reads past a file's size when it was opened (it may have grown). */
const PAST_END = 1 << 16;

/** A SOURCE's display name: `stdin` for `-`. */
export function sourceName(spec: string): string {
  return spec === '-' ? 'stdin' : spec;
}

// Names of standard input: read from the stream rtev already has, since reopening them fails when stdin is
// a socket (as when a Node program spawns rtev).
const STDIN_NAMES = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

let syncReads = false;

/**
 * Read regular files with blocking reads: for a --jobs worker thread, which has nothing else to do meanwhile.
 * Each asynchronous open, stat, read and close is a trip through libuv's thread pool, shared by all the
 * threads: on 2,000 small recordings the workers waited on those trips a third of the time.
 */
export function useSyncReads(on: boolean): void {
  syncReads = on;
}

/** Raw bytes of a file or of stdin (`-`, `/dev/stdin`), in chunks of about 256 KiB. */
export function openBytes(spec: string, stdin: NodeJS.ReadableStream): AsyncIterable<Buffer> {
  if (STDIN_NAMES.has(spec)) return stdin as AsyncIterable<Buffer>;
  return syncReads ? readFileChunksSync(spec) : readFileChunks(spec);
}

/** A regular file's chunks read with blocking reads (see useSyncReads); anything else as readFileChunks does. */
async function* readFileChunksSync(path: string): AsyncGenerator<Buffer> {
  const fd = openSync(path, 'r');
  let regular: boolean;
  try {
    const st = fstatSync(fd);
    regular = st.isFile();
    if (regular) {
      const size = st.size;
      let pos = 0;
      for (;;) {
        const n = pos < size ? Math.min(CHUNK, size - pos) : PAST_END;
        const buf = Buffer.allocUnsafe(n);
        const got = readSync(fd, buf, 0, n, pos);
        if (got === 0) break;
        pos += got;
        yield buf.subarray(0, got);
      }
    }
  } finally {
    closeSync(fd);
  }
  if (!regular) yield* readFileChunks(path);
}

/**
 * A file's chunks. A regular file is read with the next reads already under way while the current chunk is
 * processed, so the disk (or page cache) and the scanner work at the same time. Anything else (a FIFO, `<(…)`,
 * `/dev/stdin`, a character device) cannot seek: it is read in order, one read at a time. A fresh buffer per
 * chunk: frames keep views into it.
 */
async function* readFileChunks(path: string, ahead = 2): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      for (;;) {
        const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(CHUNK), 0, CHUNK, null);
        if (bytesRead === 0) break;
        yield buffer.subarray(0, bytesRead);
      }
      return;
    }
    let pos = 0;
    const pending: { read: Promise<{ bytesRead: number; buffer: Buffer }>; at: number; n: number }[] = [];
    // Buffers sized to what the file holds: a fleet's small recordings would otherwise cost two 256 KiB buffers
    // each (a quarter of the time in GC over 2,000 files).
    const size = st.size;
    let next = 0;
    const issue = () => {
      const n = Math.min(CHUNK, size - next);
      const read = fh.read(Buffer.allocUnsafe(n), 0, n, next);
      read.catch(() => {}); // a read ahead may fail before it is awaited; awaiting it reports that
      pending.push({ read, at: next, n });
      next += n;
    };
    for (let i = 0; i < ahead && next < size; i++) issue();
    while (pending.length > 0) {
      const p = pending.shift()!;
      const r = await p.read;
      pos = p.at + r.bytesRead;
      if (r.bytesRead < p.n) {
        // The file shrank while it was read: the reads ahead are past its end now. Go on from here, in order.
        if (r.bytesRead > 0) yield r.buffer.subarray(0, r.bytesRead);
        break;
      }
      if (next < size) issue();
      yield r.buffer;
    }
    await Promise.allSettled(pending.map((p) => p.read));
    pending.length = 0;
    // Past the size read at open: what was appended since, one read at a time, each from where the last ended
    // (a read ahead there could start past a short read, and lose what was written between).
    for (;;) {
      const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(PAST_END), 0, PAST_END, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * About how many bytes reading a file gives, for planning work over files (--jobs): its size, or for a `.gz` file
 * the size its trailer records (ISIZE: exact for one member under 4 GiB), often ten times more. Only `.gz` names are
 * opened (a stat is all the others cost: fleets have thousands). 0 when it cannot be read (reading it says why).
 */
export function contentBytes(path: string): number {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return 0;
  }
  if (!path.endsWith('.gz') || size < 18) return size;
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(4);
    if (readSync(fd, b, 0, 2, 0) !== 2 || b[0] !== 0x1f || b[1] !== 0x8b) return size;
    return readSync(fd, b, 0, 4, size - 4) === 4 ? Math.max(size, b.readUInt32LE(0)) : size;
  } catch {
    return size;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Chunks with a look-ahead: the first bytes can be inspected, then everything is read from the start. */
export class Peekable {
  private readonly it: AsyncIterator<Buffer>;
  readonly head: Buffer[] = [];
  done = false;

  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }

  /** Read one more chunk into the look-ahead; false at the end of input. */
  async more(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) { this.done = true; return false; }
    this.head.push(typeof r.value === 'string' ? Buffer.from(r.value) : r.value);
    return true;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      while (this.head.length) yield this.head.shift()!;
      if (this.done) return;
      for (;;) {
        const r = await this.it.next();
        if (r.done) {
          this.done = true;
          return;
        }
        yield r.value;
      }
    } finally {
      // Left before the end (a reader that stopped early): the source is closed now, not when collected.
      if (!this.done) {
        this.done = true;
        await this.it.return?.();
      }
    }
  }
}

/** The input's bytes, gunzipped when they start with gzip's magic number (not by file name). */
export async function openDecoded(spec: string, stdin: NodeJS.ReadableStream): Promise<Peekable> {
  const raw = new Peekable(openBytes(spec, stdin));
  while (Buffer.concat(raw.head).length < 2 && (await raw.more()));
  const head = Buffer.concat(raw.head);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = Readable.from(raw).pipe(createGunzip({ chunkSize: CHUNK }));
    return new Peekable(gunzip);
  }
  return raw;
}
