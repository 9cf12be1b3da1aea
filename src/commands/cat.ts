import { taggedPrefix } from '../format/json.js';
import { PrettyPrinter, type TimeMode } from '../format/pretty.js';
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

/** Pretty-print (or tag, or pass through) every frame that the filter lets through. */
export async function runCat(sources: string[], o: CatOptions, ctx: Ctx): Promise<number> {
  const keep = compileFilter(o);
  const out = ctx.out;
  const width = o.wide ? Infinity : ctx.io.columns ?? (Number(ctx.io.env.COLUMNS) || 160);
  const printer = new PrettyPrinter({ palette: ctx.palette, time: o.time, wide: !!o.wide, width, all: !!o.all });
  const run = await visitFrames(sources, ctx, !!o.strict, (f) => {
    if (!keep(f)) return;
    if (o.raw) {
      out.write(f.rawBytes());
      out.write('\n');
    } else if (o.json) {
      out.write(taggedPrefix(f));
      out.write(f.eventBytes());
      out.write('}\n');
    } else {
      for (const line of printer.push(f)) out.write(line + '\n');
    }
  });
  for (const line of printer.flush()) out.write(line + '\n');
  await out.flush();
  return run.code;
}
