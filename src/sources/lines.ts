/**
 * Splits a stream of chunks into lines without ever joining the whole input: a line that spans chunks is
 * joined once, when its newline arrives. Lines longer than `maxLine` are skipped as they stream past, so a
 * huge line costs no more memory than the limit.
 */
export interface LineSink {
  line(buf: Buffer, start: number, end: number, lineNo: number): void;
  tooLong(lineNo: number, bytes: number): void;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private partLen = 0;
  private discarding = false;
  private discarded = 0;
  private stopped = false;
  lineNo = 0;

  constructor(private readonly maxLine: number, private readonly sink: LineSink) {}

  push(chunk: Buffer): void {
    if (this.stopped) return;
    let pos = 0;
    const n = chunk.length;
    if (this.partLen > 0 || this.discarding) {
      const nl = chunk.indexOf(10);
      if (nl < 0) return this.carry(chunk, 0);
      this.carry(chunk.subarray(0, nl), 0);
      this.finishCarried();
      pos = nl + 1;
    }
    const sink = this.sink;
    while (pos < n && !this.stopped) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      this.lineNo++;
      if (nl - pos > this.maxLine) sink.tooLong(this.lineNo, nl - pos);
      else sink.line(chunk, pos, nl, this.lineNo);
      pos = nl + 1;
    }
    if (pos < n && !this.stopped) this.carry(chunk, pos);
  }

  /** Hand on no more lines (the reader was told to stop). */
  stop(): void {
    this.stopped = true;
    this.parts = [];
    this.partLen = 0;
    this.discarding = false;
  }

  /** The input ended: a last line without a newline is still a line. */
  end(): void {
    if (this.partLen > 0 || this.discarding) this.finishCarried();
  }

  private carry(chunk: Buffer, from: number): void {
    if (this.discarding) { this.discarded += chunk.length - from; return; }
    const part = chunk.subarray(from);
    if (this.partLen + part.length > this.maxLine) {
      this.discarding = true;
      this.discarded = this.partLen + part.length;
      this.parts = [];
      this.partLen = 0;
      return;
    }
    this.parts.push(part);
    this.partLen += part.length;
  }

  private finishCarried(): void {
    this.lineNo++;
    if (this.discarding) {
      this.sink.tooLong(this.lineNo, this.discarded);
      this.discarding = false;
      this.discarded = 0;
      return;
    }
    const line = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partLen);
    this.parts = [];
    this.partLen = 0;
    this.sink.line(line, 0, line.length, this.lineNo);
  }
}
