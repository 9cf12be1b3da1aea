/**
 * Read SOURCEs source by source through a command's core (cores.ts), in worker threads when there are several
 * files (--jobs), else in the main thread. Either way the command sees the same calls in the same order:
 * `emit` for each turn as it closes, `onEnd` with each source's partial result, in source order; and stderr
 * says the same lines (malformed input, unreadable sources, notes, warnings). A command whose partial results grow
 * with the file (export's rows, turns) names a size from which files are read in the main thread, in their turn.
 */
import { availableParallelism } from 'node:os';
import type { Protocol } from '../events/catalogue.js';
import { escapeControls } from '../format/escape.js';
import { filterWarnings } from '../pipeline/filter.js';
import { capturesIn, isFolder, NO_CAPTURES } from '../sources/folders.js';
import { contentBytes } from '../sources/input.js';
import { describeIoError, readSources } from '../sources/read.js';
import type { RowSink } from '../export/exporter.js';
import type { Ctx } from '../commands/context.js';
import { startRead, visitFrames, type ReadFlags, type ReadRun } from '../commands/frames.js';
import { corePrefilter, makeCore, type Core, type CoreName, type CoreOptions, type TurnEvent } from './cores.js';
import { batches, runInOrder, startWorkers, workersAvailable } from './pool.js';
import { readOne, type OneResult, type OneTask } from './read-one.js';

export interface PerSource {
  name: CoreName;
  /** Plain data (it is sent to the workers). */
  opts: CoreOptions;
  /** --jobs: undefined for one per core. */
  jobs?: number;
  /** Each turn as it closes; `shift` moves its seq fields to their place in the whole run (see shiftSeq). */
  emit?(x: TurnEvent, shift: number): void;
  note?(text: string): void;
  /** Each source's partial result, in source order (awaited). */
  onEnd(partial: unknown): void | Promise<void>;
  /** Export: where the cores of the main thread write their rows. */
  rows?: RowSink;
  /** Awaited after each chunk the main thread reads (export waits for its compression to keep up). */
  afterChunk?(): Promise<void>;
  /**
   * Files of at least this many bytes are read in the main thread, in their turn, while the workers go on with
   * the files after them: what a worker sends back whole (export's rows) must stay small.
   */
  inlineFrom?: number;
}

export const defaultJobs = (): number => availableParallelism();

export async function readPerSource(sources: string[], ctx: Ctx, flags: ReadFlags & { protocol?: Protocol }, p: PerSource): Promise<ReadRun> {
  const jobs = p.jobs ?? defaultJobs();
  const items = jobs > 1 && sources.length > 0 && !sources.includes('-') ? expand(sources) : null;
  if (!items || items.filter((x) => 'file' in x).length < 2) return inThread(sources, ctx, flags, p);

  for (const w of filterWarnings(flags)) ctx.say(escapeControls(`rtev: warning: ${w}`));
  const run = startRead(ctx, flags);
  let shift = 0;
  const take = async (r: OneResult, task: OneTask): Promise<boolean> => {
    if (r.inline) return readHere(task);
    for (const e of r.log) {
      if (e[0] === 'malformed') run.report.add(e[1], e[2]);
      else if (e[0] === 'unshown') run.report.addUnshown(e[1]);
      else if (e[0] === 'source-error') run.onSourceError({ message: e[1] });
      else if (e[0] === 'note') p.note?.(e[1]);
      else p.emit?.(e[1], shift);
    }
    if (!r.log.some((e) => e[0] === 'source-error')) run.sourceRead();
    for (const [s, t] of r.timed) run.sawFrame(s, t);
    await p.onEnd(r.partial);
    shift += r.frames;
    await ctx.out.maybeFlush();
    return !ctx.out.closed;
  };
  // A file too big to send back whole: read here, with the run's report, as the single-threaded read does.
  const readHere = async (task: OneTask): Promise<boolean> => {
    const core = makeCore(p.name, p.opts, { emit: (x) => p.emit?.(x, shift), note: (t) => p.note?.(t), rows: p.rows });
    const frames = await readSources([task.file], {
      stdin: ctx.io.stdin, report: run.report, onSourceError: run.onSourceError, onSourceRead: run.sourceRead, keepTag: corePrefilter(p.name, p.opts),
      protocol: flags.protocol, onMeta: core.meta && ((s, l, x) => core.meta!(s, l, x)),
    }, {
      frame(f) {
        run.sawFrame(f.source, !Number.isNaN(f.time));
        core.frame(f);
      },
      async chunk() {
        await ctx.out.maybeFlush();
        await p.afterChunk?.();
        return !ctx.out.closed;
      },
    });
    await p.onEnd(core.end()); // the turns still open end here, with this file's shift
    shift += frames;
    await ctx.out.maybeFlush();
    return !ctx.out.closed;
  };
  // Unlistable folders are said in their place: before the file that follows them.
  const tasks: OneTask[] = [];
  const errorsBefore: string[][] = [[]];
  for (const x of items) {
    if ('error' in x) errorsBefore[tasks.length]!.push(x.error);
    else {
      tasks.push({ name: p.name, opts: p.opts, file: x.file, protocol: flags.protocol, inline: p.inlineFrom !== undefined && contentBytes(x.file) >= p.inlineFrom });
      errorsBefore.push([]);
    }
  }
  let i = 0;
  const deliver = async (r: OneResult) => {
    for (const e of errorsBefore[i]!) run.onSourceError({ message: e });
    return take(r, tasks[i++]!);
  };
  // Workers only for files they may read (not for big files that the main thread reads anyway).
  const forWorkers = tasks.filter((t) => !t.inline).length;
  const workers = forWorkers > 1 && workersAvailable(ctx.io.env) ? startWorkers(Math.min(jobs, forWorkers)) : null;
  if (workers) await runInOrder(workers, batches(tasks), deliver);
  // No worker threads (the single executable): the same reads, one after the other, in this thread.
  else for (const t of tasks) if (!(await deliver(await readOne(t)))) break;
  if (!ctx.out.closed) for (const e of errorsBefore[tasks.length]!) run.onSourceError({ message: e });
  return run.finish();
}

/** The single-threaded read: one core per source, ended when its file ends. */
async function inThread(sources: string[], ctx: Ctx, flags: ReadFlags, p: PerSource): Promise<ReadRun> {
  let core: Core | null = null;
  const env = { emit: (x: TurnEvent) => p.emit?.(x, 0), note: (t: string) => p.note?.(t) };
  const cur = () => (core ??= makeCore(p.name, p.opts, { ...env, rows: p.rows }));
  // onSourceEnd cannot wait: a source's end is awaited with the next chunk's wait (or after the last).
  let ending: void | Promise<void> = undefined;
  const run = await visitFrames(sources, ctx, {
    ...flags,
    onMeta: (s, l, r) => cur().meta?.(s, l, r),
    onSourceEnd: () => {
      if (core) {
        const partial = core.end();
        const before = ending;
        ending = before === undefined ? p.onEnd(partial) : before.then(() => p.onEnd(partial));
      }
      core = null;
    },
  }, (f) => { cur().frame(f); }, corePrefilter(p.name, p.opts), async () => {
    await ending;
    await p.afterChunk?.();
  });
  await ending;
  return run;
}

/** The files to read, folders expanded as readSources expands them (an unlistable folder is an error in its place). */
function expand(sources: string[]): ({ file: string } | { error: string })[] {
  return sources.flatMap((spec): ({ file: string } | { error: string })[] => {
    if (!isFolder(spec)) return [{ file: spec }];
    try {
      const files = capturesIn(spec);
      return files.length ? files.map((file) => ({ file })) : [{ error: `${spec}: ${NO_CAPTURES}` }];
    } catch (e) {
      return [{ error: `${spec}: ${describeIoError(e)}` }];
    }
  });
}
