/**
 * One source read by one core, with everything it would have said kept in order in a log: the main thread
 * replays the log (malformed lines, unreadable sources, notes, turns) exactly where a single-threaded read
 * would have said it. Runs in a worker (worker.ts), or in the main thread when no worker can be made.
 */
import { Readable } from 'node:stream';
import { MalformedReport } from '../sources/report.js';
import { readSources } from '../sources/read.js';
import { corePrefilter, makeCore, type CoreName, type CoreOptions, type TurnEvent } from './cores.js';

/** What a read said, in order: a malformed line, a count of unshown ones, an unreadable source, a note, a turn. */
export type LogEntry =
  | ['malformed', string, string]
  | ['unshown', number]
  | ['source-error', string]
  | ['note', string]
  | ['emit', TurnEvent];

export interface OneResult {
  log: LogEntry[];
  /** The core's partial result. */
  partial: unknown;
  /** Frames read (their `seq` counted from 1 here). */
  frames: number;
  /** Sources that gave a frame, and whether one of them had a time (for the --since/--until warning). */
  timed: [string, boolean][];
  /** The task was not read: its file is for the main thread (OneTask.inline). */
  inline?: boolean;
}

export interface OneTask {
  name: CoreName; opts: CoreOptions; file: string; protocol?: 'realtime' | 'live' | 'translation';
  /** Read by the main thread in its turn (see PerSource.inlineFrom): answered at once, unread. */
  inline?: boolean;
}

/** A malformed report that keeps what it is told, for the main thread's report. */
class LoggedReport extends MalformedReport {
  constructor(private readonly log: LogEntry[]) {
    super(() => {});
  }
  override add(where: string, reason: string): void {
    this.log.push(['malformed', where, reason]);
  }
  override addUnshown(n: number): void {
    this.log.push(['unshown', n]);
  }
}

/** Never read: a worker is given files, never stdin. */
const NO_STDIN = Readable.from([]);

export async function readOne(task: OneTask): Promise<OneResult> {
  if (task.inline) return { log: [], partial: null, frames: 0, timed: [], inline: true };
  const log: LogEntry[] = [];
  const timed = new Map<string, boolean>();
  const core = makeCore(task.name, task.opts, { emit: (x) => log.push(['emit', x]), note: (t) => log.push(['note', t]) });
  const frames = await readSources([task.file], {
    stdin: NO_STDIN,
    report: new LoggedReport(log),
    keepTag: corePrefilter(task.name, task.opts),
    protocol: task.protocol,
    onMeta: core.meta && ((s, l, r) => core.meta!(s, l, r)),
    onSourceError: (e) => log.push(['source-error', e.message]),
  }, {
    frame(f) {
      if (!timed.get(f.source)) timed.set(f.source, !Number.isNaN(f.time));
      core.frame(f);
    },
  });
  return { log, partial: core.end(), frames, timed: [...timed] };
}
