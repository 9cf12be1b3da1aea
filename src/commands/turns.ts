import { escapeControls, safeStringify } from '../format/escape.js';
import { LiveTurnsTable } from '../format/turns-live.js';
import { TurnsTable } from '../format/turns-table.js';
import type { FilterSpec } from '../pipeline/filter.js';
import { coreOptions, shiftSeq, type TurnEvent } from '../parallel/cores.js';
import { readPerSource } from '../parallel/run.js';
import { Totals } from '../session/totals.js';
import type { SessionSummary, Turn } from '../session/types.js';
import { lineWidth } from './cat.js';
import { EXIT, type Ctx } from './context.js';
import { diagnosisSetup, type DiagnosisOptions } from './diagnosis-options.js';

export interface TurnsOptions extends FilterSpec, DiagnosisOptions {
  json?: boolean;
  strict?: boolean;
  jobs?: number;
}

/**
 * `rtev turns`: one row (or JSON line) per turn, written as each turn closes, then a summary line. The filter
 * options select turns: a turn is shown when any of its events passes.
 */
export async function runTurns(sources: string[], o: TurnsOptions, ctx: Ctx): Promise<number> {
  const setup = diagnosisSetup(o, ctx);
  if (!setup) return EXIT.usage;
  const table = o.json ? null : new TurnsTable(ctx.palette, lineWidth(ctx, false));
  const totals = new Totals();
  let slowest: Turn | null = null;
  let source: string | null = null;
  // Each table's header comes with its first row: a GPT-Live capture has no Realtime turns, and the reverse.
  let realtimeRows = 0;
  const live = o.json ? null : new LiveTurnsTable(ctx.palette, lineWidth(ctx, false));
  let liveRows = 0;
  let liveSource: string | null = null;
  // Each source's turns as they close (Realtime's and GPT-Live's, from their own models: src/parallel/cores.ts).
  const emit = (x: TurnEvent, shift: number) => {
    if (x.kind === 'live') {
      const t = shiftSeq(x.turn, shift);
      if (!live) return void ctx.out.write(safeStringify(t) + '\n');
      if (liveRows++ === 0) ctx.out.write(live.header() + '\n');
      if (sources.length > 1 && x.source !== liveSource) ctx.out.write(ctx.palette.dim(`== ${escapeControls(x.source)} ==`) + '\n');
      liveSource = x.source;
      ctx.out.write(live.row(t) + '\n');
      return;
    }
    const t = shiftSeq(x.turn, shift);
    totals.addTurn(x);
    if (t.latency_ms.first_audio !== null && (slowest === null || t.latency_ms.first_audio > slowest.latency_ms.first_audio!)) slowest = t;
    if (!table) {
      ctx.out.write(safeStringify(t) + '\n');
      return;
    }
    if (realtimeRows++ === 0) ctx.out.write(table.header() + '\n');
    // Several sources: a line names each, since turns count from 1 in each session.
    if (sources.length > 1 && x.source !== source) ctx.out.write(ctx.palette.dim(`== ${escapeControls(x.source)} ==`) + '\n');
    source = x.source;
    ctx.out.write(table.row(t) + '\n');
  };
  const run = await readPerSource(sources, ctx, o, {
    name: 'turns', opts: coreOptions(o), jobs: o.jobs, emit, note: setup.onNote,
    // A worker sends a file's turns back whole: a big file's turns are read here instead (memory, and speed:
    // cloning thousands of turns across threads cost more than the thread saved).
    inlineFrom: 4 << 20,
    onEnd: (sessions) => { for (const s of sessions as SessionSummary[]) totals.addSession(s); },
  });
  if (run.nothingRead) return run.code;
  if (table && realtimeRows === 0 && liveRows === 0) ctx.out.write(table.header() + '\n');
  if (table && (realtimeRows > 0 || liveRows === 0)) ctx.out.write(table.summary(totals, slowest) + '\n');
  if (live && liveRows > 0) ctx.out.write(live.summary() + '\n');
  await ctx.out.flush();
  return run.code;
}
