import type { Protocol, Tag } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { readFrames, type SourceError } from '../sources/read.js';
import { MalformedReport } from '../sources/report.js';
import { EXIT, type Ctx } from './context.js';

/** The read flags every reading command has: --strict, --protocol. */
export interface ReadFlags {
  strict?: boolean;
  /** Read every source as this protocol instead of deciding it from the endpoint or the first frames. */
  protocol?: Protocol;
}

export interface ReadRun {
  /** The exit code: 1 when a source could not be read, or with --strict when a line was malformed. */
  code: number;
  malformed: number;
}

/**
 * The loop every reading command shares: read every SOURCE, report malformed lines, hand each frame to
 * `visit` (which returns false to stop early), and keep stdout's back-pressure. Stops when stdout closes.
 */
export async function visitFrames(
  sources: string[], ctx: Ctx, flags: ReadFlags, visit: (f: Frame) => boolean | void,
  /** Drop lines by type before frames are made (filter's raw output, stats): see compileTypePrefilter. */
  keepTag?: (tag: Tag) => boolean,
  /** Awaited after each batch, like stdout's back-pressure (export waits for its compression to keep up). */
  afterBatch?: () => Promise<void>,
): Promise<ReadRun> {
  const report = new MalformedReport((line) => ctx.say(line));
  let code: number = EXIT.ok;
  // A source that cannot be read is named and makes the exit code 1; the other sources are still read.
  const onSourceError = (e: SourceError) => {
    ctx.say(`rtev: ${e.message}`);
    code = EXIT.failure;
  };
  outer: for await (const batch of readFrames(sources, { stdin: ctx.io.stdin, report, onSourceError, keepTag, protocol: flags.protocol })) {
    for (const f of batch) if (visit(f) === false) break outer;
    await ctx.out.maybeFlush();
    if (afterBatch) await afterBatch();
    if (ctx.out.closed) break;
  }
  report.finish();
  if (flags.strict && report.count > 0 && code === EXIT.ok) {
    ctx.say(`rtev: --strict: ${report.count} malformed line${report.count === 1 ? '' : 's'}`);
    code = EXIT.failure;
  }
  return { code, malformed: report.count };
}
