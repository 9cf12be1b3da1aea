import type { Frame } from '../events/frame.js';
import { terminalSafe } from './escape.js';
import { taggedPrefix } from './json.js';
import type { Output } from './output.js';
import type { Palette } from './palette.js';
import { PrettyPrinter, type TimeMode } from './pretty.js';

export type FrameFormat = 'pretty' | 'json' | 'raw';

export interface FrameWriterOptions {
  format: FrameFormat;
  palette: Palette;
  time: TimeMode;
  wide: boolean;
  width: number;
  all: boolean;
  /** stdout is a terminal: raw and JSON lines get their control characters escaped too. */
  tty: boolean;
  /**
   * The connection a frame came on, when several share the output (`rtev proxy`): pretty lines start with
   * its label (`[2] `, or nothing while it is the only one), JSON lines carry `"conn":N`.
   */
  connection?: { n: number; label(): string };
}

/** Writes frames in one of the three output forms that `cat`, `filter` and `tail` share. */
export interface FrameWriter {
  write(f: Frame): void;
  /** A frame a filter dropped: the pretty form still learns from it (formats, client event ids, config). */
  observe(f: Frame): void;
  /** The capture starts at this time (ms): `--time rel` and spans count from it when frames before it are not seen. */
  start(ms: number): void;
  /** Write what is still held (runs of deltas). */
  end(): void;
  /** The line of a run still growing (pretty only), for a terminal to show in place. */
  pending(): string | null;
}

export function frameWriter(out: Output, o: FrameWriterOptions): FrameWriter {
  // Byte for byte into a pipe; on a terminal, never a raw control character from the stream.
  const safe = o.tty ? terminalSafe : (b: Buffer) => b;
  switch (o.format) {
    case 'raw':
      return { write: (f) => { out.write(safe(f.rawBytes())); out.write('\n'); }, observe: () => {}, start: () => {}, end: () => {}, pending: () => null };
    case 'json': {
      // The event's own bytes are spliced into the tagged line: nothing is re-serialised.
      const head = o.connection ? (f: Frame) => `{"conn":${o.connection!.n},${taggedPrefix(f).slice(1)}` : taggedPrefix;
      return { write: (f) => { out.write(head(f)); out.write(safe(f.eventBytes())); out.write('}\n'); }, observe: () => {}, start: () => {}, end: () => {}, pending: () => null };
    }
    case 'pretty': {
      const printer = new PrettyPrinter(o);
      const label = o.connection ? () => o.connection!.label() : () => '';
      // Each line is written as it is built; a label (the proxy's) only when there is one.
      const lines = o.connection
        ? (ls: readonly string[]) => { for (const l of ls) out.write(`${label()}${l}\n`); }
        : (ls: readonly string[]) => { for (const l of ls) out.write(`${l}\n`); };
      const pending = () => { const p = printer.pending(); return p === null ? null : label() + p; };
      return {
        write: (f) => lines(printer.push(f)), observe: (f) => printer.observe(f), start: (ms) => printer.start(ms),
        end: () => lines(printer.flush()), pending,
      };
    }
  }
}
