import { sep } from 'node:path';
import { safeStringify } from '../format/escape.js';
import { statsTable } from '../format/stats-table.js';
import type { FilterSpec } from '../pipeline/filter.js';
import { Tally, type TallyState } from '../pipeline/tally.js';
import { coreOptions } from '../parallel/cores.js';
import { readPerSource } from '../parallel/run.js';
import { EXIT, type Ctx } from './context.js';
import { diagnosisSetup, type DiagnosisOptions } from './diagnosis-options.js';

export interface StatsOptions extends FilterSpec, DiagnosisOptions {
  json?: boolean;
  byFile?: boolean;
  strict?: boolean;
  jobs?: number;
}

/** One summary of all SOURCEs (and, with --by-file, one per source first). */
export async function runStats(sources: string[], o: StatsOptions, ctx: Ctx): Promise<number> {
  const setup = diagnosisSetup(o, ctx);
  if (!setup) return EXIT.usage;
  // Each source is tallied on its own (in worker threads when there are several), then merged in source order.
  const all = new Tally(setup);
  const perFile = new Map<string, Tally>();
  const names = sources.length ? sources.map((s) => (s === '-' ? 'stdin' : s)) : ['stdin'];
  const run = await readPerSource(sources, ctx, o, {
    name: 'stats', opts: coreOptions(o), jobs: o.jobs, note: setup.onNote,
    onEnd: (partial) => {
      const state = partial as TallyState;
      all.merge(state);
      if (!o.byFile || state.source === null) return;
      let t = perFile.get(state.source);
      if (!t) perFile.set(state.source, (t = new Tally(setup)));
      t.merge(state);
    },
  });
  if (run.nothingRead) return run.code; // the error lines say why; a summary of nothing would only mislead
  // Malformed lines are counted for the whole run; per file they are reported on stderr with their location.
  const results = o.byFile ? fileNames(names, [...perFile.keys()]).map((name) => (perFile.get(name) ?? new Tally(setup)).result([name], 0)) : [];
  const total = all.result(names, run.malformed);
  if (o.json) {
    ctx.out.write(safeStringify(o.byFile ? { ...total, files: results } : total, 2) + '\n');
  } else {
    for (const r of results) ctx.out.write(statsTable(r, ctx.palette) + '\n');
    if (o.byFile) ctx.out.write(ctx.palette.bold('== all sources ==') + '\n');
    ctx.out.write(statsTable(total, ctx.palette));
  }
  await ctx.out.flush();
  return run.code;
}

/** The files to summarise one by one: each SOURCE, or for a folder the captures read from it. */
function fileNames(sources: string[], read: string[]): string[] {
  return sources.flatMap((s) => {
    if (read.includes(s)) return [s];
    const inside = read.filter((r) => r.startsWith(s.endsWith(sep) ? s : s + sep));
    return inside.length ? inside : [s];
  });
}
