import { rmdirSync } from 'node:fs';
import { AudioChunks, type Side } from '../audio/chunks.js';
import { WholeSamples } from '../audio/decode.js';
import { DEFAULT_MAX_MB, MAX_GAP_MS } from '../audio/limits.js';
import { JoinedFile, PieceFiles, StereoFile, type AudioOutput, type Written } from '../audio/outputs.js';
import { WavWriteError } from '../audio/wav-file.js';
import type { Frame } from '../events/frame.js';
import { escapeControls } from '../format/escape.js';
import { makeFolder } from '../make-folder.js';
import { seconds, thousands } from '../format/summary.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { writeError } from '../record/write-error.js';
import { PriceBook } from '../session/cost.js';
import { SessionModels } from '../session/model.js';
import { EXIT, type Ctx } from './context.js';
import { visitFrames, type ReadFlags } from './frames.js';

export interface AudioOptions extends FilterSpec, ReadFlags {
  output: string;
  join?: boolean;
  input?: boolean;
  /** Each response only as far as the user heard it (the turn model's `audio_ms.heard`). */
  heard?: boolean;
  /** One stereo file of the conversation: the user left, the assistant right, each at its real time. */
  stereo?: boolean;
  /** Overwrite WAV files that exist. */
  force?: boolean;
  /** The most one file may hold, MB (10^6 bytes). */
  maxMb?: number;
}

/** A length of time for a message, however long: `4.00 s`, `2 h 5 min`, `36,525 days`. */
export function duration(s: number): string {
  if (s < 1) return s > 0 && s < 0.0005 ? 'under 1 ms' : `${Math.round(s * 1000)} ms`;
  if (s < 3600) return seconds(s);
  if (s < 48 * 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${thousands(Math.round(s / 86400))} days`;
}

/** The truncation events (the client's request, the server's confirmation): the item and where it was cut. */
function truncation(f: Frame): { item: string; ms: number } | null {
  const type = f.tag.variant.type;
  if (f.tag.variant.protocol !== 'realtime' || (type !== 'conversation.item.truncated' && type !== 'conversation.item.truncate')) return null;
  const e = f.tryJson();
  return typeof e?.item_id === 'string' && typeof e.audio_end_ms === 'number' ? { item: e.item_id, ms: e.audio_end_ms } : null;
}

/**
 * `rtev audio`: the audio of a capture as WAV files, written as it streams in (a session is never held in
 * memory): the assistant's, one file per response (or answer), or `--join` one on the time line; the user's
 * with `--input`; `--stereo` the conversation as heard. `--heard` cuts each response where the user stopped
 * hearing it.
 */
export async function runAudio(sources: string[], o: AudioOptions, ctx: Ctx): Promise<number> {
  const made: string[] = [];
  const bad = makeFolder(o.output, made);
  if (bad) {
    ctx.say(`rtev: ${escapeControls(bad.message)}`);
    return bad.usage ? EXIT.usage : EXIT.failure;
  }
  const opts = { folder: o.output, overwrite: !!o.force, maxBytes: Math.floor((o.maxMb ?? DEFAULT_MAX_MB) * 1e6) };
  const joined = o.join ? new JoinedFile(opts, o.input ? 'input.wav' : 'session.wav') : null;
  const output: AudioOutput = o.stereo ? new StereoFile(opts) : joined ?? new PieceFiles(opts);
  const side: Side | null = o.stereo ? null : o.input ? 'user' : 'assistant';
  const chunks = new AudioChunks();
  const keep = compileFilter(o);
  const unknown = new Set<string>();
  let failed: string | null = null;
  const fail = (e: unknown) => {
    failed ??= e instanceof WavWriteError ? e.message : `cannot write to ${o.output}: ${writeError(e)}`;
  };
  // --heard: the turn model says how much of each response was heard; only a response cut short is touched.
  const models = o.heard ? new SessionModels({
    prices: new PriceBook(),
    onTurn: (rec) => {
      for (const r of rec.responses) {
        const { generated, heard } = r.audio_ms;
        if (generated === null || heard === null || heard >= generated) continue;
        try {
          output.heard?.(r.response_id, heard);
        } catch (e) {
          fail(e);
        }
      }
    },
  }) : null;
  let t0 = NaN;
  let wholeAnswers = false;
  const whole = new WholeSamples();

  const run = await visitFrames(sources, ctx, o, (f) => {
    const t = f.time;
    if (Number.isNaN(t0) && !Number.isNaN(t)) t0 = t;
    models?.add(f);
    const cut = output.truncate ? truncation(f) : null;
    if (cut) output.truncate!(cut.item, cut.ms);
    const c = chunks.read(f);
    if (!c || (side !== null && c.side !== side) || !keep(f)) return;
    if (c.format.name === 'unknown') {
      // Never guess at bytes rtev cannot decode: say so once per format and leave them out.
      if (!unknown.has(c.format.label)) ctx.say(`rtev: audio in an unknown format (${escapeControls(c.format.label)}) left out`);
      unknown.add(c.format.label);
      return;
    }
    if (o.heard && c.protocol !== 'realtime') wholeAnswers = true;
    try {
      const raw = whole.take(`${c.side}\u0000${c.piece ?? ''}`, Buffer.from(c.b64, 'base64'), c.format, c.channels);
      output.add(c, raw, t - t0, () => `${f.source}:${f.line}`);
    } catch (e) {
      fail(e);
      return false;
    }
  });
  if (failed === null) models?.finish();

  let files: Written[] = [];
  try {
    files = output.close();
  } catch (e) {
    fail(e);
  }
  if (failed !== null) {
    ctx.say(`rtev: ${escapeControls(failed)}`);
    return EXIT.failure;
  }
  if (files.length === 0) {
    // Nothing to listen to: leave no empty folder behind.
    for (const dir of made.reverse()) try { rmdirSync(dir); } catch { break; }
    if (unknown.size === 0 && !run.nothingRead) {
      ctx.say(side === 'user' ? 'rtev: no user audio in this capture (it travels in client frames, which the capture may not hold; audio over WebRTC is not in the event stream)'
        : 'rtev: no audio in this capture (audio over WebRTC is not in the event stream)');
    }
    return run.code || EXIT.failure;
  }
  if (wholeAnswers) ctx.say('rtev: note: --heard: GPT-Live and Translation audio is never truncated; it is written whole');
  const gaps = joined?.gaps;
  if (gaps?.firstGap) {
    const g = gaps.firstGap;
    const more = gaps.gaps > 1 ? `; ${thousands(gaps.gaps - 1)} more silence${gaps.gaps > 2 ? 's' : ''} over ${MAX_GAP_MS / 1000} s cut too` : '';
    ctx.say(escapeControls(`rtev: note: ${files[0]!.path}: a silence of ${duration(g.seconds)} before ${g.where} cut to ${MAX_GAP_MS / 1000} s (at ${seconds(g.atSeconds)} in the file)${more}`));
  }
  let code = run.code;
  for (const w of files) {
    if (w.droppedAt === null) continue;
    // The cap may be reached by what was written, or only by where the next audio falls (after a long silence).
    ctx.say(escapeControls(`rtev: ${w.path}: ${duration(w.dropped)} of audio from ${duration(w.droppedAt)} on left out: the file would pass ${o.maxMb ?? thousands(DEFAULT_MAX_MB)} MB (--max-mb)`));
    code = EXIT.failure;
  }
  const paths = files.map((w) => escapeControls(w.path));
  const width = Math.max(...paths.map((p) => p.length));
  let total = 0;
  files.forEach((w, i) => {
    total += w.seconds;
    ctx.out.write(`${paths[i]!.padEnd(width)}  ${seconds(w.seconds).padStart(9)}  ${w.rate / 1000} kHz\n`);
  });
  ctx.out.write(`${files.length} file${files.length === 1 ? '' : 's'}, ${seconds(total)} of audio\n`);
  await ctx.out.flush();
  return code;
}
