import { frameWriter } from '../format/frame-writer.js';
import type { TimeMode } from '../format/pretty.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import type { Ctx } from './context.js';
import { visitFrames } from './frames.js';

export interface CatOptions extends FilterSpec {
  json?: boolean;
  raw?: boolean;
  all?: boolean;
  wide?: boolean;
  time: TimeMode;
  strict?: boolean;
}

/** The width to cut pretty lines to: the terminal's, else $COLUMNS, else 160; `--wide` never cuts. */
export function lineWidth(ctx: Ctx, wide: boolean | undefined): number {
  return wide ? Infinity : ctx.io.columns ?? (Number(ctx.io.env.COLUMNS) || 160);
}

/** Pretty-print (or tag, or pass through) every frame that the filter lets through. */
export async function runCat(sources: string[], o: CatOptions, ctx: Ctx): Promise<number> {
  const keep = compileFilter(o);
  const w = frameWriter(ctx.out, {
    format: o.json ? 'json' : o.raw ? 'raw' : 'pretty',
    palette: ctx.palette, time: o.time, wide: !!o.wide, width: lineWidth(ctx, o.wide), all: !!o.all, tty: ctx.io.stdoutIsTTY,
  });
  const run = await visitFrames(sources, ctx, o, (f) => {
    if (keep(f)) w.write(f);
    else w.observe(f);
  });
  w.end();
  await ctx.out.flush();
  return run.code;
}
