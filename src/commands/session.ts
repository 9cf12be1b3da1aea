import { safeStringify } from '../format/escape.js';
import { SessionView } from '../format/session-view.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { PriceBook } from '../session/cost.js';
import { SessionModels } from '../session/model.js';
import type { Ctx } from './context.js';
import { visitFrames } from './frames.js';

/**
 * `rtev session`: the configuration at `session.created`, what each `session.update` asked to change, and what
 * each `session.updated` applied, with every requested value that did not apply. The filter options select
 * which of these steps are shown.
 */
export async function runSession(sources: string[], o: FilterSpec & { json?: boolean; strict?: boolean }, ctx: Ctx): Promise<number> {
  const keep = compileFilter(o);
  const view = o.json ? null : new SessionView(ctx.palette);
  let kept = false;
  let n = 0;
  const models = new SessionModels({
    prices: new PriceBook(),
    onConfig: (e) => {
      if (!kept) return;
      if (view) ctx.out.write(view.entry(e));
      else ctx.out.write(`${n++ ? ',' : '['}\n  ${safeStringify(e)}`);
    },
  });
  const run = await visitFrames(sources, ctx, o, (f) => {
    kept = keep(f);
    models.add(f);
  });
  models.finish();
  if (run.nothingRead) return run.code; // the error lines say why
  ctx.out.write(view ? view.end() : n ? '\n]\n' : '[]\n');
  await ctx.out.flush();
  return run.code;
}
