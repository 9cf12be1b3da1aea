import { escapeControls, safeStringify } from '../format/escape.js';
import { transcriptMarkdown, transcriptText } from '../format/transcript.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { transcriptTurn } from '../pipeline/transcript.js';
import { PriceBook } from '../session/cost.js';
import { SessionModels } from '../session/model.js';
import { VoiceModels, type VoiceModelOptions } from '../session/voices.js';
import type { Voice } from '../session/live.js';
import { liveLineMarkdown, liveLineText, segmentHeader, segmentMarkdownRow, segmentText } from '../format/transcript-live.js';
import { lineWidth } from './cat.js';
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
  /** JSON array elements written: Realtime turns, GPT-Live lines, Translation segments. */
  let elements = 0;
  if (o.json) ctx.out.write('[');
  const models = new SessionModels({
    prices: new PriceBook(), keepText: true,
    onTurn: (rec) => {
      const turn = transcriptTurn(rec, ++n, t0, !!o.all);
      if (o.json) ctx.out.write(`${elements++ > 0 ? ',' : ''}\n${safeStringify(turn, 2).replace(/^/gm, '  ')}`);
      else if (o.markdown) ctx.out.write(transcriptMarkdown([turn]));
      else ctx.out.write(transcriptText([turn], ctx.palette));
    },
  });
  // GPT-Live and Translation: lines of the two voices, or source and translation side by side.
  const voices = new VoiceModels(voiceOutput(o, ctx, () => t0, () => elements++ > 0));
  const run = await visitFrames(sources, ctx, o, (f) => {
    if (!keep(f)) return;
    if (Number.isNaN(t0)) t0 = f.time;
    models.add(f);
    voices.add(f);
  });
  models.finish();
  voices.finish();
  if (o.json) ctx.out.write(elements ? '\n]\n' : ']\n');
  await ctx.out.flush();
  return run.code;
}

/**
 * How `transcript` writes GPT-Live lines and Translation segments, as they come: text, Markdown or JSON (array
 * elements, after the Realtime turns' if a run has both). `comma` says whether an element came before.
 */
function voiceOutput(o: TranscriptOptions, ctx: Ctx, t0: () => number, comma: () => boolean): VoiceModelOptions {
  const since = (ts: string | null) => (ts === null || Number.isNaN(t0()) ? null : Date.parse(ts) - t0());
  const json = (v: unknown) => ctx.out.write(`${comma() ? ',' : ''}\n${safeStringify(v, 2).replace(/^/gm, '  ')}`);
  const width = lineWidth(ctx, false);
  // Per source: where each voice's last line ended (for overlaps), and whether the columns' header is out.
  let source: string | null = null;
  const lastEnd: Record<Voice, number | null> = { user: null, assistant: null };
  let header = false;
  const newSource = (s: string) => {
    if (s === source) return;
    source = s;
    lastEnd.user = lastEnd.assistant = null;
    header = false;
  };
  return {
    onLine: (l, src) => {
      newSource(src);
      if (o.json) return json({ voice: l.voice, start_ms: l.start_ms, end_ms: l.end_ms, text: l.text.replace(/\s+/g, ' ').trim() });
      const at = since(l.ts);
      if (o.markdown) return ctx.out.write(liveLineMarkdown(l, at) + '\n');
      const other = lastEnd[l.voice === 'user' ? 'assistant' : 'user'];
      const overlap = other !== null && l.start_ms !== null ? other - l.start_ms : 0;
      if (l.end_ms !== null) lastEnd[l.voice] = Math.max(lastEnd[l.voice] ?? l.end_ms, l.end_ms);
      ctx.out.write(liveLineText(l, ctx.palette, at, overlap) + '\n');
    },
    onSegment: (seg, src, langs) => {
      newSource(src);
      if (o.json) return json({ start_ms: seg.start_ms, end_ms: seg.end_ms, source: seg.source.replace(/\s+/g, ' ').trim(), translation: seg.translation.replace(/\s+/g, ' ').trim() });
      if (!header) {
        header = true;
        const lang = (l: string | null) => (l ? ` (${escapeControls(l).replace(/[|\\`*_]/g, '')})` : '');
        ctx.out.write(o.markdown ? `| time | source${lang(langs.input)} | translation${lang(langs.output)} |\n|---|---|---|\n` : segmentHeader(ctx.palette, width, langs.input, langs.output));
      }
      ctx.out.write(o.markdown ? segmentMarkdownRow(seg, since(seg.ts)) : segmentText(seg, ctx.palette, width, since(seg.ts)));
    },
  };
}
