/**
 * The only writer of data to stdout: it batches small writes into large ones, waits for `drain` so a slow
 * reader slows rtev down instead of growing memory, and treats a closed pipe (`| head`) as a normal end.
 */
export class Output {
  private parts: (string | Buffer)[] = [];
  private size = 0;
  /** Set when the reader went away (EPIPE): producers should stop. */
  closed = false;

  constructor(private readonly stream: NodeJS.WritableStream, private readonly highWater = 1 << 16) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.closed = true;
      else throw e;
    });
  }

  write(s: string | Buffer): void {
    this.parts.push(s);
    this.size += s.length;
  }

  /** Flush when enough is buffered; await it in loops so back-pressure reaches the reader. */
  async maybeFlush(): Promise<void> {
    if (this.size >= this.highWater) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0 || this.closed) { this.parts = []; this.size = 0; return; }
    const parts = this.parts;
    this.parts = [];
    this.size = 0;
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    const ok = this.stream.write(data);
    if (!ok && !this.closed) await new Promise<void>((resolve) => {
      const done = () => { this.stream.off('drain', done); this.stream.off('error', done); this.stream.off('close', done); resolve(); };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }
}
