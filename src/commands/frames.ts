import type { Protocol, Tag } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { escapeControls } from '../format/escape.js';
import { filterWarnings, type FilterSpec } from '../pipeline/filter.js';
import { readSources } from '../sources/read.js';
import { MalformedReport } from '../sources/report.js';
import { EXIT, type Ctx } from './context.js';

/** The read flags every reading command has: --strict, --protocol; and the filter options, for their warnings. */
export interface ReadFlags extends Pick<FilterSpec, 'type' | 'exclude' | 'since' | 'until'> {
  strict?: boolean;
  /** Read every source as this protocol instead of deciding it from the endpoint or the first frames. */
  protocol?: Protocol;
  /** A command that wants recordings' meta lines (check: endpoints, headers, close codes) gets each here. */
  onMeta?: (source: string, line: number, rtev: unknown) => void;
  /** After each file (see ReadOptions.onSourceEnd). */
  onSourceEnd?: () => void;
}

export interface ReadRun {
  /** The exit code: 1 when a source could not be read, or with --strict when a line was malformed. */
  code: number;
  malformed: number;
  /**
   * No SOURCE could be read (each was missing, unreadable, not a capture, or a folder without captures): the
   * command then prints no summary and writes no file, as the error lines already say why (exit 1).
   */
  nothingRead: boolean;
}

/**
 * The loop every reading command shares: read every SOURCE (a folder stands for the captures in it), report
 * malformed lines, hand each frame to `visit` (which returns false to stop early), and keep stdout's
 * back-pressure. Stops when stdout closes. Warns, once each, of --type/--exclude patterns that match no known
 * type and of --since/--until on sources without timestamps.
 */
export async function visitFrames(
  sources: string[], ctx: Ctx, flags: ReadFlags,
  /** Each frame, as its line is read (keep what you need of it, not the frame: see FrameSink); false stops. */
  visit: (f: Frame) => boolean | void,
  /** Drop lines by type before frames are made (filter's raw output, stats): see compileTypePrefilter. */
  keepTag?: (tag: Tag) => boolean,
  /** Awaited after each chunk read, like stdout's back-pressure (export waits for its compression to keep up). */
  afterBatch?: () => Promise<void>,
): Promise<ReadRun> {
  for (const w of filterWarnings(flags)) ctx.say(escapeControls(`rtev: warning: ${w}`));
  // Nothing piped in and no SOURCE: say what rtev waits for, or it looks hung.
  if (ctx.io.stdinIsTTY && (sources.length === 0 || sources.includes('-'))) {
    ctx.say(`rtev: reading events from standard input (paste JSON lines, end with Ctrl-D); to read a capture, give its path: rtev ${ctx.command ?? 'cat'} recordings/sample.jsonl`);
  }
  const run = startRead(ctx, flags);
  const reading = { stdin: ctx.io.stdin, report: run.report, onSourceError: run.onSourceError, onSourceRead: run.sourceRead, keepTag, protocol: flags.protocol, onMeta: flags.onMeta, onSourceEnd: flags.onSourceEnd };
  await readSources(sources, reading, {
    frame(f) {
      run.sawFrame(f.source, !Number.isNaN(f.time));
      return visit(f);
    },
    async chunk() {
      await ctx.out.maybeFlush();
      if (afterBatch) await afterBatch();
      return !ctx.out.closed;
    },
  });
  return run.finish();
}

/** What a read keeps across sources, whichever thread reads them: the malformed report, the exit code, timestamps seen. */
export interface ReadState {
  report: MalformedReport;
  onSourceError(e: { message: string }): void;
  /** A source was read without a source error. */
  sourceRead(): void;
  /** A frame of `source` was read (timed or not): for the --since/--until warning. */
  sawFrame(source: string, timed: boolean): void;
  /** The closing lines (malformed in all, sources without timestamps, --strict) and the exit code. */
  finish(): ReadRun;
}

export function startRead(ctx: Ctx, flags: ReadFlags): ReadState {
  const report = new MalformedReport((line) => ctx.say(line));
  let code: number = EXIT.ok;
  let errors = 0, read = 0;
  // Sources read with --since/--until, and whether each had a timestamp.
  const timed = flags.since !== undefined || flags.until !== undefined ? new Map<string, boolean>() : null;
  return {
    report,
    // A source that cannot be read is named and makes the exit code 1; the other sources are still read.
    onSourceError(e) {
      ctx.say(escapeControls(`rtev: ${e.message}`));
      code = EXIT.failure;
      errors++;
    },
    sourceRead() {
      read++;
    },
    sawFrame(source, t) {
      if (timed && !timed.get(source)) timed.set(source, t);
    },
    finish() {
      report.finish();
      if (timed) {
        const untimed = [...timed].filter(([, t]) => !t).map(([s]) => s);
        const option = flags.since !== undefined ? '--since' : '--until';
        if (untimed.length === 1) ctx.say(escapeControls(`rtev: warning: ${untimed[0]} has no timestamps: ${option} selects nothing from it`));
        else if (untimed.length > 1) ctx.say(escapeControls(`rtev: warning: ${untimed.length} sources have no timestamps (${untimed.slice(0, 3).join(', ')}${untimed.length > 3 ? ', …' : ''}): ${option} selects nothing from them`));
      }
      if (flags.strict && report.count > 0 && code === EXIT.ok) {
        ctx.say(`rtev: --strict: ${report.count} malformed line${report.count === 1 ? '' : 's'}`);
        code = EXIT.failure;
      }
      return { code, malformed: report.count, nothingRead: errors > 0 && read === 0 };
    },
  };
}
