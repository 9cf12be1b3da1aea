import type { Frame } from '../events/frame.js';
import type { FrameWriter } from './frame-writer.js';
import type { Output } from './output.js';

const BEHIND = 4 << 20;
const CAUGHT_UP = 1 << 20;
/** A run of deltas still open when the source has been quiet this long is printed (not on a terminal's live line). */
const QUIET_MS = 1000;
/**
 * A flood: more than FLOOD_FRAMES frames within a window of WINDOW_MS (8,000 a second; no one reads that
 * fast). Then the display takes at most DISPLAY_SHARE of the time, and the rest goes to the recording.
 */
const WINDOW_MS = 250;
const FLOOD_FRAMES = 2000;
const DISPLAY_SHARE = 0.1;
/** A note that frames were skipped is said at most this often (a flood skips in many small gaps). */
const NOTE_EVERY_MS = 1000;

/**
 * Live output: frames are printed as they arrive. On a terminal, the growing run of deltas is one line updated
 * in place; into a pipe, a run is printed when it ends, or after a second without frames. A display that cannot
 * keep up skips frames, and says how many (at most once a second, not once per frame): the recording still
 * gets every frame, and memory stays flat. Skipped frames are not even summarised. It cannot keep up when more
 * than 4 MiB wait for the reader (it skips until the reader has taken all but 1 MiB), or in a flood of frames
 * (see FLOOD_FRAMES), when formatting them would take more than a tenth of the time: the recording comes first.
 */
export class LiveDisplay {
  private showingPending = false;
  private skipped = 0;
  private behind = false;
  private flushing = false;
  private lastShown = 0;
  private quietTimer: NodeJS.Timeout | null = null;
  /** The current window (a flood is told per window): when it began, its frames, and the time spent showing them. */
  private windowStart = 0;
  private windowFrames = 0;
  private windowBusy = 0;
  private lastNote = 0;

  constructor(
    private readonly writer: FrameWriter,
    private readonly out: Output,
    private readonly stream: NodeJS.WritableStream & { writableLength?: number },
    private readonly inPlace: boolean,
    private readonly say: (line: string) => void,
  ) {}

  /** A frame that is not shown (a filter dropped it): the display still learns from it (the capture's start, formats). */
  observe(f: Frame): void {
    this.writer.observe(f);
  }

  show(f: Frame): void {
    if (this.out.closed) return;
    const now = performance.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.windowFrames = 0;
      this.windowBusy = 0;
    }
    const flood = ++this.windowFrames > FLOOD_FRAMES && this.windowBusy > DISPLAY_SHARE * (now - this.windowStart);
    // What the reader has not taken yet: queued in the stream, and staged in the output.
    const waiting = (this.stream.writableLength ?? 0) + this.out.staged;
    this.behind = waiting > (this.behind ? CAUGHT_UP : BEHIND);
    if (this.behind || flood) {
      this.skipped++;
      return;
    }
    if (this.skipped && now - this.lastNote >= NOTE_EVERY_MS) this.note(now);
    this.format(f);
    this.windowBusy += performance.now() - now;
  }

  private note(now: number): void {
    this.say(`rtev: the display fell behind: ${this.skipped} events not shown (all are in the recording)`);
    this.skipped = 0;
    this.lastNote = now;
  }

  private format(f: Frame): void {
    if (this.showingPending) this.out.write('\r\x1b[K');
    this.writer.write(f);
    if (this.inPlace) {
      const pending = this.writer.pending();
      this.showingPending = pending !== null;
      if (pending !== null) this.out.write(pending);
    } else {
      this.lastShown = Date.now();
      this.quietTimer ??= setTimeout(() => this.whenQuiet(), QUIET_MS).unref();
    }
    this.flushSoon();
  }

  /** Into a pipe, a run held back would wait for the next event: print it once the source is quiet. */
  private whenQuiet(): void {
    const idle = Date.now() - this.lastShown;
    if (idle < QUIET_MS) {
      this.quietTimer = setTimeout(() => this.whenQuiet(), QUIET_MS - idle).unref();
      return;
    }
    this.quietTimer = null;
    if (this.out.closed || this.writer.pending() === null) return;
    this.writer.end();
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
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = null;
    if (this.showingPending) this.out.write('\r\x1b[K');
    this.showingPending = false;
    this.writer.end();
    if (this.skipped) this.say(`rtev: the display fell behind: ${this.skipped} events not shown (all are in the recording)`);
  }
}
