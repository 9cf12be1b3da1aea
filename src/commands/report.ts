import { closeSync, constants, existsSync, ftruncateSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { escapeControls } from '../format/escape.js';
import { bytes, seconds, thousands } from '../format/summary.js';
import { ReportBuilder } from '../report/build.js';
import { page } from '../report/page.js';
import { EXIT, type Ctx } from './context.js';
import { diagnosisSetup, type DiagnosisOptions } from './diagnosis-options.js';
import { visitFrames, type ReadFlags } from './frames.js';

export interface ReportOptions extends ReadFlags, DiagnosisOptions {
  output?: string;
  force?: boolean;
  /** false with --no-audio. */
  audio?: boolean;
  /** The most audio in the page, MB (10^6 bytes of base64). */
  maxAudioMb?: number;
  /** Who made the page (`rtev 0.1.0`), for its footer and generator tag. */
  generator?: string;
}

/** The page's budgets for the event log: rows, and the events' JSON (bytes of text). */
export const LOG_BUDGET = { rowBytes: 14_000_000, jsonBytes: 6_000_000 };

/** The default page for a SOURCE: the same name with `.html` in place of its extension (`.jsonl.gz` as one). */
export function defaultReportPath(source: string): string {
  const trimmed = source.replace(/[/\\]+$/, '') || source;
  let isDir = false;
  try {
    isDir = statSync(trimmed).isDirectory();
  } catch {
    // Not there: reading it will say so.
  }
  if (isDir) return `${trimmed}.html`;
  const base = basename(trimmed).replace(/\.gz$/i, '');
  const ext = extname(base);
  return join(dirname(trimmed), `${ext ? base.slice(0, -ext.length) : base}.html`);
}

/**
 * `rtev report`: one self-contained HTML page for the SOURCEs (header, timeline, audio, turns, transcript,
 * configuration, event log), made in one pass. An existing file is never overwritten without --force.
 */
export async function runReport(sources: string[], o: ReportOptions, ctx: Ctx): Promise<number> {
  const setup = diagnosisSetup(o, ctx);
  if (!setup) return EXIT.usage;
  const stdin = sources.length === 0 || sources.every((s) => s === '-');
  if (o.output === undefined && stdin) {
    ctx.say('rtev: report: reading standard input, so give the page a name: -o FILE (or -o - for stdout)');
    return EXIT.usage;
  }
  const out = o.output ?? defaultReportPath(sources.find((s) => s !== '-')!);
  let fd: number | null = null;
  // With --force an existing page is emptied only when the new one is written (nothing read: it stays).
  const existed = out !== '-' && !!o.force && existsSync(out);
  if (out !== '-') {
    try {
      fd = openSync(out, constants.O_WRONLY | constants.O_CREAT | (o.force ? 0 : constants.O_EXCL), 0o644);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      ctx.say(err.code === 'EEXIST' ? `rtev: ${escapeControls(out)} exists; choose another file with -o or add --force to overwrite it`
        : `rtev: cannot write ${escapeControls(out)}: ${err.code ?? err.message}`);
      return EXIT.failure;
    }
  }
  const maxAudioBytes = Math.floor(((o.maxAudioMb ?? 50) * 1e6 * 3) / 4);
  const builder = new ReportBuilder({
    ...setup, audio: o.audio !== false, maxAudioBytes, budget: LOG_BUDGET, generator: o.generator ?? 'rtev',
  });
  const names = sources.length ? sources.map((s) => (s === '-' ? 'stdin' : s)) : ['stdin'];
  const run = await visitFrames(sources, ctx, o, (f) => builder.add(f));
  if (run.nothingRead) {
    // No page of nothing (the error lines say why), and no empty file left to refuse the next run.
    if (fd !== null) {
      closeSync(fd);
      if (!existed) unlinkSync(out);
    }
    return run.code;
  }
  if (fd !== null && existed) ftruncateSync(fd, 0);
  const { data, wav, json } = builder.finish(names, run.malformed);
  let written = 0;
  // Pieces are gathered into blocks of about 1 MB for the file.
  let block: string[] = [];
  let blockLen = 0;
  const writeBlock = () => {
    const b = Buffer.from(block.join(''));
    for (let off = 0; off < b.length;) off += writeSync(fd!, b, off);
    block = [];
    blockLen = 0;
  };
  try {
    for (const piece of page(data, json, wav)) {
      written += Buffer.byteLength(piece);
      if (fd === null) {
        ctx.out.write(piece);
        await ctx.out.maybeFlush();
        if (ctx.out.closed) break;
        continue;
      }
      block.push(piece);
      blockLen += piece.length;
      if (blockLen >= 1 << 20) writeBlock();
    }
    if (fd !== null) writeBlock();
  } finally {
    if (fd !== null) closeSync(fd);
  }
  await ctx.out.flush();
  if (fd !== null) {
    const audio = data.audio ? `, ${seconds(data.audio.seconds)} of audio` : '';
    ctx.say(`rtev: wrote ${escapeControls(out)} (${bytes(written)}: ${thousands(data.turns.length + data.turnsOmitted + (data.voices?.turns.length ?? 0))} turns, ${thousands(data.events)} events${audio})`);
  }
  return run.code;
}
