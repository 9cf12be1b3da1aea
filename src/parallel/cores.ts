/**
 * The per-source cores of the commands that spread files over threads (--jobs): each reads ONE source and
 * ends with a partial result that can cross to the main thread (structured clone) and be merged there in
 * source order. The same core runs in a worker and in the main thread (--jobs 1, stdin, one source), so both
 * print the same bytes. Options arrive as plain data: the worker compiles them again.
 */
import { isMainThread } from 'node:worker_threads';
import type { Tag } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { Exporter, type RowSink } from '../export/exporter.js';
import { RowEncoder } from '../export/row-codec.js';
import { Checker, type Finding, type Rule } from '../pipeline/check.js';
import { compileFilter, compileTypePrefilter, type FilterSpec } from '../pipeline/filter.js';
import { Tally, type TallyState } from '../pipeline/tally.js';
import { PriceBook } from '../session/cost.js';
import type { LiveTurn } from '../session/live.js';
import { SessionModels } from '../session/model.js';
import type { ResponseRecord, SessionSummary, Turn } from '../session/types.js';
import { VoiceModels } from '../session/voices.js';

export type CoreName = 'count' | 'check' | 'turns' | 'stats' | 'export';

/** The options a core needs: the filter, (turns, stats, export) the price file and the slow threshold, (export) --no-json. */
export type CoreOptions = FilterSpec & { prices?: string; slow?: number; json?: boolean };

/** Where a core sends what it finds as it reads (turns, notes): straight on in-thread, into the log in a worker. */
export interface CoreEnv {
  emit(x: TurnEvent): void;
  note(text: string): void;
  /** Export: the folder, in the main thread; a worker encodes the rows instead (ExportPartial). */
  rows?: RowSink;
}

export interface Core {
  frame(f: Frame): void;
  meta?(source: string, line: number, rtev: unknown): void;
  /** The source's end: its partial result (see the Partial types below). */
  end(): unknown;
}

/** What Totals.addTurn reads of a response (the rest need not cross to the main thread). */
export type ResponseTotals = Pick<ResponseRecord, 'out_of_band' | 'status' | 'status_reason' | 'usage' | 'cost' | 'latency_ms'>;

const forTotals = (r: ResponseRecord): ResponseTotals =>
  ({ out_of_band: r.out_of_band, status: r.status, status_reason: r.status_reason, usage: r.usage, cost: r.cost, latency_ms: r.latency_ms });

/** A turn as `turns` prints it, with what the summary line needs (Totals.addTurn). */
export type TurnEvent =
  | { kind: 'realtime'; source: string; turn: Turn; responses: ResponseTotals[] }
  | { kind: 'live'; source: string; turn: LiveTurn };

/** An exported source: its sessions, and its rows encoded (null when they went straight to the folder). */
export interface ExportPartial { sessions: number; rows: Uint8Array | null }

export interface CheckPartial { findings: Finding[]; counts: Partial<Record<Rule, number>>; possibleOld: number }

/** Lines dropped by type before frames are made (only filter --count may drop them: see compileTypePrefilter). */
export function corePrefilter(name: CoreName, o: CoreOptions): ((tag: Tag) => boolean) | undefined {
  return name === 'count' ? compileTypePrefilter(o) ?? undefined : undefined;
}

export function makeCore(name: CoreName, o: CoreOptions, env: CoreEnv): Core {
  const keep = compileFilter(o);
  switch (name) {
    case 'count': {
      let n = 0;
      return { frame: (f) => { if (keep(f)) n++; }, end: () => n };
    }
    case 'check': {
      // Each source is its own session: ids, responses and GA/beta naming start over.
      const checker = new Checker();
      return {
        frame: (f) => { if (keep(f)) checker.add(f); },
        meta: (source, line, rtev) => checker.meta(source, line, rtev),
        end: (): CheckPartial => ({ findings: checker.finish(), counts: checker.counts, possibleOld: checker.possibleOldDuplicates }),
      };
    }
    case 'turns': {
      const models = new SessionModels({
        prices: prices(o), slowMs: o.slow ?? 1500, onNote: (t) => env.note(t), match: keep,
        onTurn: (rec) => { if (rec.matched) env.emit({ kind: 'realtime', source: rec.source, turn: rec.turn, responses: rec.responses.map(forTotals) }); },
      });
      const voices = new VoiceModels({ onTurn: (t, source) => env.emit({ kind: 'live', source, turn: t }) });
      return {
        frame: (f) => {
          models.add(f);
          if (f.tag.variant.protocol !== 'realtime' && keep(f)) voices.add(f);
        },
        end: (): SessionSummary[] => {
          const sessions = models.finish();
          voices.finish();
          return sessions;
        },
      };
    }
    case 'export': {
      // Every frame is exported (the filter options only warn): rows to the folder, or encoded for it.
      const encoder = env.rows ? null : new RowEncoder();
      const exporter = new Exporter(env.rows ?? encoder!, { prices: prices(o), slowMs: o.slow ?? 1500, onNote: (t) => env.note(t), json: o.json !== false });
      return {
        frame: (f) => exporter.add(f),
        end: (): ExportPartial => {
          exporter.finish();
          return { sessions: exporter.counts.sessions, rows: encoder && encoder.take() };
        },
      };
    }
    case 'stats': {
      const tally = new Tally({ prices: prices(o), slowMs: o.slow ?? 1500, onNote: (t) => env.note(t) });
      return { frame: (f) => { if (keep(f)) tally.add(f); }, end: (): TallyState => tally.toState() };
    }
  }
}

/**
 * The price book, loaded once per worker (a worker serves one run; a book does not change once made). The main
 * thread loads it per run: in-process callers (tests) may rewrite a prices file between runs.
 */
const books = new Map<string, PriceBook>();

function prices(o: CoreOptions): PriceBook {
  const key = o.prices ?? '';
  let book = isMainThread ? undefined : books.get(key);
  // Already loaded once by the main thread (a bad file is a usage error there): this load cannot fail differently.
  if (!book) books.set(key, (book = o.prices === undefined ? new PriceBook() : PriceBook.load(o.prices)));
  return book;
}

/** Frames count from 1 in each worker: a turn's `seq` fields are moved to their place in the whole run. */
export function shiftSeq<T>(x: T, by: number): T {
  if (by === 0 || x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) {
    for (const v of x) shiftSeq(v, by);
    return x;
  }
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if ((k === 'seq' || k === 'last_seq') && typeof v === 'number') o[k] = v + by;
    else if (v !== null && typeof v === 'object') shiftSeq(v, by);
  }
  return x;
}

/** The options a core reads, as plain data (commander's option object may hold more). */
export function coreOptions(o: CoreOptions): CoreOptions {
  const { type, exclude, family, dir, response, item, unknown, errors, since, until, prices, slow } = o;
  return JSON.parse(JSON.stringify({ type, exclude, family, dir, response, item, unknown, errors, since, until, prices, slow })) as CoreOptions;
}
