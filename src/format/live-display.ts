import type { Frame } from '../events/frame.js';
import type { FrameWriter } from './frame-writer.js';
import type { Output } from './output.js';

const BEHIND = 4 << 20;
const CAUGHT_UP = 1 << 20;

/**
 * Live output: frames are printed as they arrive. On a terminal, the growing run of audio deltas is one line
 * updated in place. A display that cannot keep up (more than 4 MiB waiting for the reader) skips frames until
 * the reader has taken all but 1 MiB, then says how many it skipped (once per gap, not once per frame): the
 * recording still gets every frame, and memory stays flat. Skipped frames are not even summarised.
 */
export class LiveDisplay {
  private showingPending = false;
  private skipped = 0;
  private behind = false;
  private flushing = false;

  constructor(
    private readonly writer: FrameWriter,
    private readonly out: Output,
    private readonly stream: NodeJS.WritableStream & { writableLength?: number },
    private readonly inPlace: boolean,
    private readonly say: (line: string) => void,
  ) {}

  show(f: Frame): void {
    if (this.out.closed) return;
    // What the reader has not taken yet: queued in the stream, and staged in the output.
    const waiting = (this.stream.writableLength ?? 0) + this.out.staged;
    if (waiting > (this.behind ? CAUGHT_UP : BEHIND)) {
      this.behind = true;
      this.skipped++;
      return;
    }
    this.behind = false;
    if (this.skipped) {
      this.say(`rtev: the display fell behind: ${this.skipped} events not shown (all are in the recording)`);
      this.skipped = 0;
    }
    if (this.showingPending) this.out.write('\r\x1b[K');
    this.writer.write(f);
    const pending = this.inPlace ? this.writer.pending() : null;
    this.showingPending = pending !== null;
    if (pending !== null) this.out.write(pending);
    this.flushSoon();
  }

  /**
   * Hand what is staged to stdout once the frames that arrived together are all written: one write(2) per
   * batch rather than one per frame, within the same turn of the event loop.
   */
  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      this.flushing = false;
      this.out.push(); // no wait, no promise: behind a stuck reader, lines gather in the output instead
    });
  }

  end(): void {
    if (this.showingPending) this.out.write('\r\x1b[K');
    this.showingPending = false;
    this.writer.end();
    if (this.skipped) this.say(`rtev: the display fell behind: ${this.skipped} events not shown (all are in the recording)`);
  }
}
