import { frameWriter } from '../format/frame-writer.js';
import type { TimeMode } from '../format/pretty.js';
import { compileFilter, compileTypePrefilter, type FilterSpec } from '../pipeline/filter.js';
import { lineWidth } from './cat.js';
import type { Ctx } from './context.js';
import { visitFrames } from './frames.js';
import { coreOptions } from '../parallel/cores.js';
import { readPerSource } from '../parallel/run.js';

export interface FilterOptions extends FilterSpec {
  limit?: number;
  count?: boolean;
  pretty?: boolean;
  json?: boolean;
  time: TimeMode;
  all?: boolean;
  wide?: boolean;
  strict?: boolean;
  jobs?: number;
}

/** Select frames; by default the input lines are written back unchanged, so rtev composes with itself and jq. */
export async function runFilter(sources: string[], o: FilterOptions, ctx: Ctx): Promise<number> {
  const keep = compileFilter(o);
  const limit = o.limit ?? Infinity;
  const w = frameWriter(ctx.out, {
    format: o.pretty ? 'pretty' : o.json ? 'json' : 'raw',
    palette: ctx.palette, time: o.time, wide: !!o.wide, width: lineWidth(ctx, o.wide), all: !!o.all, tty: ctx.io.stdoutIsTTY,
  });
  let n = 0;
  if (limit === 0) {
    if (o.count) ctx.out.write('0\n');
    await ctx.out.flush();
    return 0;
  }
  // Counting: each source on its own (in worker threads when there are several), the counts added up.
  if (o.count && limit === Infinity) {
    let total = 0;
    const run = await readPerSource(sources, ctx, o, { name: 'count', opts: coreOptions(o), jobs: o.jobs, onEnd: (k) => { total += k as number; } });
    if (!run.nothingRead) ctx.out.write(`${total}\n`);
    await ctx.out.flush();
    return run.code;
  }
  // Raw output has no sequence numbers, so lines of other types need not become frames at all.
  const pre = o.pretty || o.json ? undefined : compileTypePrefilter(o) ?? undefined;
  const run = await visitFrames(sources, ctx, o, (f) => {
    if (!keep(f)) {
      w.observe(f);
      return;
    }
    n++;
    if (!o.count) w.write(f);
    return n < limit;
  }, pre);
  w.end();
  if (o.count && !run.nothingRead) ctx.out.write(`${n}\n`);
  await ctx.out.flush();
  return run.code;
}
