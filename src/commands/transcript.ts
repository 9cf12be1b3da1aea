import { safeStringify } from '../format/escape.js';
import { transcriptMarkdown, transcriptText } from '../format/transcript.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { TranscriptBuilder } from '../pipeline/transcript.js';
import type { Ctx } from './context.js';
import { visitFrames } from './frames.js';

/** `rtev transcript`: the conversation in order, as text, Markdown or JSON. */
export async function runTranscript(sources: string[], o: FilterSpec & { markdown?: boolean; json?: boolean; strict?: boolean }, ctx: Ctx): Promise<number> {
  const b = new TranscriptBuilder();
  const keep = compileFilter(o);
  const run = await visitFrames(sources, ctx, o, (f) => { if (keep(f)) b.add(f); });
  if (o.json) ctx.out.write(safeStringify(b.turns, 2) + '\n');
  else if (o.markdown) ctx.out.write(transcriptMarkdown(b.turns));
  else ctx.out.write(transcriptText(b.turns, ctx.palette));
  await ctx.out.flush();
  return run.code;
}
