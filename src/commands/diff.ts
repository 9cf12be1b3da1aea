import { diffTable } from '../format/diff-table.js';
import { safeStringify } from '../format/escape.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { diffGroups, groupFigures, type GroupFigures } from '../session/compare.js';
import { SessionModels } from '../session/model.js';
import { Totals } from '../session/totals.js';
import { expandSource, NO_CAPTURES } from '../sources/folders.js';
import { EXIT, type Ctx } from './context.js';
import { diagnosisSetup, type DiagnosisOptions } from './diagnosis-options.js';
import { visitFrames } from './frames.js';

export interface DiffOptions extends FilterSpec, DiagnosisOptions {
  json?: boolean;
  strict?: boolean;
}

/**
 * `rtev diff A B`: two captures, or two groups (a folder stands for every capture in it), side by side: turns,
 * latency percentiles, interruptions and failures, tokens and cost, audio, and every configuration difference.
 */
export async function runDiff(a: string, b: string, o: DiffOptions, ctx: Ctx): Promise<number> {
  const setup = diagnosisSetup(o, ctx);
  if (!setup) return EXIT.usage;
  let code: number = EXIT.ok;
  let nothing = false;
  const side = async (spec: string): Promise<GroupFigures> => {
    const files = expandSource(spec);
    if (!files.length) {
      ctx.say(`rtev: ${spec}: ${NO_CAPTURES}`);
      code = EXIT.failure;
    }
    const keep = compileFilter(o);
    const totals = new Totals();
    const models = new SessionModels({ ...setup, onTurn: (t) => totals.addTurn(t) });
    const run = files.length ? await visitFrames(files, ctx, o, (f) => { if (keep(f)) models.add(f); }) : { code: EXIT.ok, nothingRead: true };
    if (run.code !== EXIT.ok) code = run.code;
    if (run.nothingRead) nothing = true;
    const sessions = models.finish();
    for (const s of sessions) totals.addSession(s);
    return groupFigures(files.length ? files : [spec], totals, sessions);
  };
  const d = diffGroups(await side(a), await side(b));
  // A side of which nothing could be read: no comparison against nothing (the error lines say why).
  if (nothing) return code;
  ctx.out.write(o.json ? safeStringify(d, 2) + '\n' : diffTable(d, ctx.palette));
  await ctx.out.flush();
  return code;
}
