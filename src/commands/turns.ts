import { safeStringify } from '../format/escape.js';
import { TurnsTable } from '../format/turns-table.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { SessionModels } from '../session/model.js';
import { Totals } from '../session/totals.js';
import type { Turn } from '../session/types.js';
import { lineWidth } from './cat.js';
import { EXIT, type Ctx } from './context.js';
import { diagnosisSetup, type DiagnosisOptions } from './diagnosis-options.js';
import { visitFrames } from './frames.js';

export interface TurnsOptions extends FilterSpec, DiagnosisOptions {
  json?: boolean;
  strict?: boolean;
}

/**
 * `rtev turns`: one row (or JSON line) per turn, written as each turn closes, then a summary line. The filter
 * options select turns: a turn is shown when any of its events passes.
 */
export async function runTurns(sources: string[], o: TurnsOptions, ctx: Ctx): Promise<number> {
  const setup = diagnosisSetup(o, ctx);
  if (!setup) return EXIT.usage;
  const match = compileFilter(o);
  const table = o.json ? null : new TurnsTable(ctx.palette, lineWidth(ctx, false));
  const totals = new Totals();
  let slowest: Turn | null = null;
  let source: string | null = null;
  if (table) ctx.out.write(table.header() + '\n');
  const models = new SessionModels({
    ...setup, match,
    onTurn: (rec) => {
      if (!rec.matched) return;
      const t = rec.turn;
      totals.addTurn(rec);
      if (t.latency_ms.first_audio !== null && (slowest === null || t.latency_ms.first_audio > slowest.latency_ms.first_audio!)) slowest = t;
      if (!table) {
        ctx.out.write(safeStringify(t) + '\n');
        return;
      }
      // Several sources: a line names each, since turns count from 1 in each session.
      if (sources.length > 1 && rec.source !== source) ctx.out.write(ctx.palette.dim(`== ${rec.source} ==`) + '\n');
      source = rec.source;
      ctx.out.write(table.row(t) + '\n');
    },
  });
  const run = await visitFrames(sources, ctx, o, (f) => models.add(f));
  for (const s of models.finish()) totals.addSession(s);
  if (table) ctx.out.write(table.summary(totals, slowest) + '\n');
  await ctx.out.flush();
  return run.code;
}
