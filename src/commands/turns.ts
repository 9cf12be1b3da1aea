import { escapeControls, safeStringify } from '../format/escape.js';
import { LiveTurnsTable } from '../format/turns-live.js';
import { VoiceModels } from '../session/voices.js';
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
  // Each table's header comes with its first row: a GPT-Live capture has no Realtime turns, and the reverse.
  let realtimeRows = 0;
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
      if (realtimeRows++ === 0) ctx.out.write(table.header() + '\n');
      // Several sources: a line names each, since turns count from 1 in each session.
      if (sources.length > 1 && rec.source !== source) ctx.out.write(ctx.palette.dim(`== ${escapeControls(rec.source)} ==`) + '\n');
      source = rec.source;
      ctx.out.write(table.row(t) + '\n');
    },
  });
  // GPT-Live: its own turns, from its own model (the filter options select the frames it reads).
  const live = o.json ? null : new LiveTurnsTable(ctx.palette, lineWidth(ctx, false));
  let liveRows = 0;
  let liveSource: string | null = null;
  const voices = new VoiceModels({
    onTurn: (t, src) => {
      if (!live) return void ctx.out.write(safeStringify(t) + '\n');
      if (liveRows++ === 0) ctx.out.write(live.header() + '\n');
      if (sources.length > 1 && src !== liveSource) ctx.out.write(ctx.palette.dim(`== ${escapeControls(src)} ==`) + '\n');
      liveSource = src;
      ctx.out.write(live.row(t) + '\n');
    },
  });
  const run = await visitFrames(sources, ctx, o, (f) => {
    models.add(f);
    if (f.tag.variant.protocol !== 'realtime' && match(f)) voices.add(f);
  });
  for (const s of models.finish()) totals.addSession(s);
  voices.finish();
  if (table && realtimeRows === 0 && liveRows === 0) ctx.out.write(table.header() + '\n');
  if (table && (realtimeRows > 0 || liveRows === 0)) ctx.out.write(table.summary(totals, slowest) + '\n');
  if (live && liveRows > 0) ctx.out.write(live.summary() + '\n');
  await ctx.out.flush();
  return run.code;
}
