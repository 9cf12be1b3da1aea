import type { Frame } from '../events/frame.js';
import type { FrameWriter } from './frame-writer.js';
import type { Output } from './output.js';

const BEHIND = 4 << 20;

/**
 * Live output: frames are printed as they arrive. On a terminal, the growing run of audio deltas is one line
 * updated in place. A display that cannot keep up (its stream holds more than 4 MiB) skips frames and says how
 * many: the recording still gets every frame, and memory stays flat.
 */
export class LiveDisplay {
  private showingPending = false;
  private skipped = 0;
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
    if ((this.stream.writableLength ?? 0) > BEHIND) {
      this.skipped++;
      return;
    }
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
      void this.out.flush();
    });
  }

  end(): void {
    if (this.showingPending) this.out.write('\r\x1b[K');
    this.showingPending = false;
    this.writer.end();
    if (this.skipped) this.say(`rtev: the display fell behind: ${this.skipped} events not shown (all are in the recording)`);
  }
}
