/**
 * How one proxied connection is shown: `tail`'s live display, fed the connection's recording lines, each line
 * labelled with the connection (`[2] `) once more than one has been seen.
 */
import type { Frame } from '../events/frame.js';
import { frameWriter } from '../format/frame-writer.js';
import { LiveDisplay } from '../format/live-display.js';
import type { Output } from '../format/output.js';
import type { Palette } from '../format/palette.js';
import type { TimeMode } from '../format/pretty.js';
import { classifyLine } from '../pipeline/classify.js';
import type { FrameTest } from '../pipeline/filter.js';
import type { Protocol } from '../events/catalogue.js';
import { protocolOfFrame } from '../events/protocol.js';

export interface ViewOptions {
  json: boolean;
  palette: Palette;
  time: TimeMode;
  wide: boolean;
  width: number;
  all: boolean;
  tty: boolean;
  keep: FrameTest;
  out: Output;
  stdout: NodeJS.WritableStream;
  say(line: string): void;
}

/**
 * The one place the proxy classifies a frame for display, with the catalogue of the connection's protocol
 * (decided by its path: `/v1/realtime`, `/v1/realtime/translations`, `/v1/live/sessions`).
 */
export function displayFrame(source: string, seq: number, line: Buffer, protocol: Protocol): Frame | null {
  const f = classifyLine(source, seq, line, 0, line.length, undefined, protocol);
  if (f === null || typeof f === 'string') return null;
  f.seq = seq;
  return f;
}

export class ConnectionView {
  private seq = 0;
  private readonly display: LiveDisplay;

  constructor(private readonly n: number, private protocol: Protocol | null, labelled: () => boolean, private readonly o: ViewOptions) {
    const writer = frameWriter(o.out, {
      // Room for the label (`[12] `) within the line's width.
      format: o.json ? 'json' : 'pretty', palette: o.palette, time: o.time, wide: o.wide, width: o.width - 5, all: o.all, tty: o.tty,
      connection: { n, label: () => (labelled() ? `[${n}] ` : '') },
    });
    // Never in place: lines of other connections come in between.
    this.display = new LiveDisplay(writer, o.out, o.stdout, false, o.say);
  }

  show(line: Buffer): void {
    const seq = this.next();
    this.showFrame(this.frameOf(line, seq), line);
  }

  /** The number of the connection's next frame. */
  next(): number {
    return ++this.seq;
  }

  /** The frame of a recording line, with the protocol known so far (changes nothing: see showFrame). */
  frameOf(line: Buffer, seq: number): Frame | null {
    return displayFrame(`[${this.n}]`, seq, line, this.protocol ?? 'realtime');
  }

  /** Show the frame of a line (frameOf's). */
  showFrame(f: Frame | null, line: Buffer): void {
    // A path that says nothing: the first frame that only one protocol sends decides (Realtime until then).
    if (f && this.protocol === null && f.kind === 'event') {
      const hint = protocolOfFrame(f);
      if (hint !== null) {
        this.protocol = hint;
        if (hint !== 'realtime') f = displayFrame(`[${this.n}]`, f.seq, line, hint);
      }
    }
    if (f && this.o.keep(f)) this.display.show(f);
    else if (f) this.display.observe(f);
  }

  end(): void {
    this.display.end();
    void this.o.out.flush();
  }
}
