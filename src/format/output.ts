/**
 * The only writer of data to stdout. Small writes are copied into one staging buffer and written in large
 * blocks; copying also means no output holds on to the input chunk a line came from. It waits for
 * `drain`, so a slow reader slows rtev down instead of growing memory, and a closed pipe (`| head`) is a
 * normal end. A write error (a full disk, a file-size limit) ends the output too: producers stop, and the shell
 * reports it in one line.
 */
import { writeSync } from 'node:fs';

const STAGE = 1 << 16;

export class Output {
  private stage = Buffer.allocUnsafe(STAGE);
  private len = 0;
  /** One wait for `drain`, shared by every caller: a listener per call would pile up behind a stuck reader. */
  private waiting: Promise<void> | null = null;
  private readonly ended: (() => void)[] = [];
  /** Set when the reader went away (EPIPE) or writing failed: producers should stop. */
  closed = false;
  /** The write error that closed the output, if it was not the reader going away. */
  error: NodeJS.ErrnoException | null = null;

  /**
   * stdout is a file (or a device such as /dev/full): written here with write(2) until every byte is taken. Node's
   * own file stream ignores a short write, so a file-size limit would cut the output without a word.
   */
  private readonly fd: number | null;

  constructor(private readonly stream: NodeJS.WritableStream) {
    const s = stream as { _type?: unknown; fd?: unknown };
    this.fd = s._type === 'fs' && typeof s.fd === 'number' ? s.fd : null;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (this.closed) return;
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') this.error = e;
      this.closed = true;
      for (const f of this.ended.splice(0)) f();
    });
  }

  /** Call `f` once when the output closes (the reader went away, or a write failed). */
  onClose(f: () => void): void {
    if (this.closed) f();
    else this.ended.push(f);
  }

  /** Bytes written here and not yet handed to the stream. */
  get staged(): number {
    return this.len;
  }

  write(s: string | Buffer): void {
    if (this.closed) return;
    const n = typeof s === 'string' ? Buffer.byteLength(s) : s.length;
    if (this.len + n > this.stage.length) {
      this.send();
      if (n > this.stage.length) this.stage = Buffer.allocUnsafe(n);
    }
    if (typeof s === 'string') this.stage.write(s, this.len);
    else s.copy(this.stage, this.len);
    this.len += n;
  }

  /** Flush when enough is buffered; await it in loops so back-pressure reaches the reader. */
  async maybeFlush(): Promise<void> {
    if (this.len >= STAGE / 2) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.send()) await this.drained();
  }

  /**
   * Hand what is staged to the stream now, without waiting (live output). While the stream is full, lines gather
   * here and go out in one block at its next drain: no listener, promise or buffer per line behind a slow reader.
   */
  push(): void {
    if (this.waiting || this.closed) return;
    if (!this.send()) void this.drained().then(() => this.push());
  }

  /** Hand the staged bytes to the stream; false when the stream asks us to wait. */
  private send(): boolean {
    if (this.len === 0 || this.closed) { this.len = 0; return !this.waiting || this.closed; }
    // The stream may keep `data` until it is written. A small block is copied out (a 64 KiB stage held for each
    // short live line would multiply memory behind a slow reader); a large one is handed over, and staging
    // goes on in a fresh buffer.
    let data: Buffer;
    if (this.len < STAGE / 2) {
      // Not from the shared 8 KiB pool: a queued line would pin a whole slab of other, dead buffers.
      data = Buffer.allocUnsafeSlow(this.len);
      this.stage.copy(data, 0, 0, this.len);
    } else {
      data = this.stage.subarray(0, this.len);
      this.stage = Buffer.allocUnsafe(STAGE);
    }
    this.len = 0;
    if (this.fd !== null) return this.writeFile(this.fd, data);
    return this.stream.write(data);
  }

  /** A blocking write of all of `data`; a failure is the stream's error, as for a pipe. */
  private writeFile(fd: number, data: Buffer): boolean {
    try {
      for (let off = 0; off < data.length;) off += writeSync(fd, data, off);
    } catch (e) {
      this.stream.emit('error', e);
    }
    return true;
  }

  private drained(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.waiting ??= new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        this.waiting = null;
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
    return this.waiting;
  }
}
