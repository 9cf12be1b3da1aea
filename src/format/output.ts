/**
 * The only writer of data to stdout. Small writes are copied into one staging buffer and written in large
 * blocks; copying also means no output holds on to the 1 MiB input chunk a line came from. It waits for
 * `drain`, so a slow reader slows rtev down instead of growing memory, and a closed pipe (`| head`) is a
 * normal end.
 */
const STAGE = 1 << 16;

export class Output {
  private stage = Buffer.allocUnsafe(STAGE);
  private len = 0;
  /** Set when the reader went away (EPIPE): producers should stop. */
  closed = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.closed = true;
      else throw e;
    });
  }

  write(s: string | Buffer): void {
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

  /** Hand the staged bytes to the stream; false when the stream asks us to wait. */
  private send(): boolean {
    if (this.len === 0 || this.closed) { this.len = 0; return true; }
    const data = this.stage.subarray(0, this.len);
    // The stream may keep `data` until it is written: stage into a fresh buffer from now on.
    this.stage = Buffer.allocUnsafe(STAGE);
    this.len = 0;
    return this.stream.write(data);
  }

  private drained(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }
}
