import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, openSync, writeSync, type Stats } from 'node:fs';
import { wavHeader } from './wav.js';

/** A WAV file rtev may not write (it exists, it is not a regular file, the folder refuses): one line. */
export class WavWriteError extends Error {}

const kind = (st: Stats) => (st.isDirectory() ? 'a folder' : st.isSymbolicLink() ? 'a symbolic link' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device');

/**
 * Create a new file (never an existing one), or with `overwrite` truncate an existing regular file. Other file
 * types are refused: rtev never truncates a device, a FIFO or what a link points to.
 */
export function createFile(path: string, overwrite: boolean): number {
  let before: Stats | null = null;
  try {
    before = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (before && !before.isFile()) throw new WavWriteError(`${path} is ${kind(before)}: rtev writes audio only to regular files`);
  if (before && !overwrite) throw new WavWriteError(`${path} exists; choose another folder with -o or add --force to overwrite it`);
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | (overwrite ? 0 : constants.O_EXCL), 0o644);
  try {
    if (!fstatSync(fd).isFile()) throw new WavWriteError(`${path} is not a regular file: rtev writes audio only to regular files`);
    if (before) ftruncateSync(fd, 0);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The files open at once, at most `max`: a file used when the cache is full closes the one used longest ago
 * (with its header patched, so it is a valid WAV while closed), and opens again when it is next written.
 */
export class OpenFiles {
  private readonly open = new Map<WavFile, true>();
  constructor(readonly max = 16) {}

  use(w: WavFile): void {
    if (this.open.delete(w)) return void this.open.set(w, true);
    while (this.open.size >= this.max) {
      const oldest = this.open.keys().next().value!;
      this.open.delete(oldest);
      oldest.suspend();
    }
    this.open.set(w, true);
  }

  forget(w: WavFile): void {
    this.open.delete(w);
  }
}

/**
 * A mono 16-bit WAV file written as audio streams in: positional writes, the header patched when the file is
 * closed (or set aside by `OpenFiles`), so nothing is held in memory. At most `maxBytes` in all: what would go
 * past it is counted (`dropped`, from sample `droppedAt`), never written.
 */
export class WavFile {
  private fd: number | null;
  /** Bytes of samples in the file. */
  bytes = 0;
  dropped = 0;
  droppedAt: number | null = null;
  private readonly maxData: number;
  private readonly files: OpenFiles | null;

  constructor(readonly path: string, readonly sampleRate: number, o: { overwrite: boolean; maxBytes: number; files?: OpenFiles }) {
    this.maxData = Math.max(0, Math.floor((o.maxBytes - 44) / 2) * 2);
    this.files = o.files ?? null;
    this.fd = createFile(path, o.overwrite);
    this.files?.use(this);
    writeSync(this.fd, wavHeader(sampleRate, 0), 0, 44, 0);
  }

  private handle(): number {
    this.files?.use(this);
    this.fd ??= openSync(this.path, constants.O_RDWR);
    return this.fd;
  }

  /** Little-endian 16-bit samples, after those written (past the cap: counted, never written). */
  write(pcm: Buffer): void {
    const len = pcm.length & ~1;
    const keep = this.dropped ? 0 : Math.min(len, this.maxData - this.bytes);
    if (keep > 0) this.append(pcm, keep);
    this.drop(len - keep);
  }

  /** Silence up to the given length in samples (past the cap: counted, never written). */
  padTo(samples: number): void {
    const missing = samples * 2 - (this.bytes + this.dropped);
    if (missing <= 0) return;
    const keep = this.dropped ? 0 : Math.min(missing, this.maxData - this.bytes);
    const zero = Buffer.alloc(Math.min(keep, 1 << 20));
    for (let done = 0; done < keep; done += zero.length) this.append(zero, Math.min(zero.length, keep - done));
    this.drop(missing - keep);
  }

  /** buf[0, len) after the samples written, counted as each write lands (a write that fails keeps the rest valid). */
  private append(buf: Buffer, len: number): void {
    const fd = this.handle();
    for (let done = 0; done < len;) {
      const n = writeSync(fd, buf, done, len - done, 44 + this.bytes);
      done += n;
      this.bytes += n;
    }
  }

  private drop(n: number): void {
    if (n <= 0) return;
    this.droppedAt ??= this.bytes / 2;
    this.dropped += n;
  }

  /** Where the next sample goes, counting those left out for the cap. */
  get end(): number {
    return (this.bytes + this.dropped) / 2;
  }

  /** Zeroes samples [from, to) of what is written (audio that was cut after it was written). */
  silence(from: number, to: number): void {
    const a = Math.max(0, from) * 2;
    const b = Math.min(to * 2, this.bytes);
    const zero = Buffer.alloc(Math.min(Math.max(b - a, 0), 1 << 20));
    for (let p = a; p < b; p += zero.length) writeAll(this.handle(), zero, 0, Math.min(zero.length, b - p), 44 + p);
  }

  /** Keeps only the first `samples` samples. */
  truncate(samples: number): void {
    if (samples * 2 >= this.bytes) return;
    this.bytes = Math.max(0, samples * 2);
    ftruncateSync(this.handle(), 44 + this.bytes);
  }

  get samples(): number {
    return this.bytes / 2;
  }

  get seconds(): number {
    return this.samples / this.sampleRate;
  }

  /** Patch the header and close the file; it opens again when next written. */
  suspend(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      writeSync(fd, wavHeader(this.sampleRate, this.bytes), 0, 44, 0);
    } finally {
      closeSync(fd);
    }
  }

  /** Close for good (a file set aside has its header already). A write cut short leaves no stray bytes. */
  close(): void {
    this.files?.forget(this);
    this.bytes -= this.bytes % 2; // a write cut short mid-sample
    if (this.fd !== null) ftruncateSync(this.fd, 44 + this.bytes);
    this.suspend();
  }
}

/** Write all of buf[off, off + len) at `pos` (a short write goes on where it stopped). */
export function writeAll(fd: number, buf: Buffer, off: number, len: number, pos: number): void {
  for (let done = 0; done < len;) done += writeSync(fd, buf, off + done, len - done, pos + done);
}
