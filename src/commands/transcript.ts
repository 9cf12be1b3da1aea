import { safeStringify } from '../format/escape.js';
import { transcriptMarkdown, transcriptText } from '../format/transcript.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { transcriptTurn } from '../pipeline/transcript.js';
import { PriceBook } from '../session/cost.js';
import { SessionModels } from '../session/model.js';
import type { Ctx } from './context.js';
import { visitFrames } from './frames.js';

export interface TranscriptOptions extends FilterSpec {
  markdown?: boolean;
  json?: boolean;
  /** Also the out-of-band responses, labelled apart from the dialogue. */
  all?: boolean;
  strict?: boolean;
}

/**
 * `rtev transcript`: the conversation in order, as text, Markdown or JSON, turn by turn from the turn model,
 * written as each turn closes. The filter options select the frames the model sees.
 */
export async function runTranscript(sources: string[], o: TranscriptOptions, ctx: Ctx): Promise<number> {
  const keep = compileFilter(o);
  let t0 = NaN;
  let n = 0;
  if (o.json) ctx.out.write('[');
  const models = new SessionModels({
    prices: new PriceBook(), keepText: true,
    onTurn: (rec) => {
      const turn = transcriptTurn(rec, ++n, t0, !!o.all);
      if (o.json) ctx.out.write(`${n > 1 ? ',' : ''}\n${safeStringify(turn, 2).replace(/^/gm, '  ')}`);
      else if (o.markdown) ctx.out.write(transcriptMarkdown([turn]));
      else ctx.out.write(transcriptText([turn], ctx.palette));
    },
  });
  const run = await visitFrames(sources, ctx, o, (f) => {
    if (!keep(f)) return;
    if (Number.isNaN(t0)) t0 = f.time;
    models.add(f);
  });
  models.finish();
  if (o.json) ctx.out.write(n ? '\n]\n' : ']\n');
  await ctx.out.flush();
  return run.code;
}
