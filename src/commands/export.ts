import { rmdirSync } from 'node:fs';
import { escapeControls } from '../format/escape.js';
import { tableColumns } from '../export/exporter.js';
import { decodeRows } from '../export/row-codec.js';
import { coreOptions, type ExportPartial } from '../parallel/cores.js';
import { readPerSource } from '../parallel/run.js';
import { makeFolder } from '../make-folder.js';
import { ExportFolder, refusal, type Format, type Mode } from '../export/folder.js';
import { TABLE_NAMES, type TableName } from '../export/schema.js';
import { version } from '../cli/shared.js';
import { EXIT, type Ctx } from './context.js';
import { diagnosisSetup, type DiagnosisOptions } from './diagnosis-options.js';
import type { ReadFlags } from './frames.js';

export interface ExportOptions extends ReadFlags, DiagnosisOptions {
  output: string;
  partition?: 'date';
  format?: Format;
  append?: boolean;
  force?: boolean;
  /** False with --no-json. */
  json?: boolean;
  /** --jobs: worker threads for several files (undefined: one per core). */
  jobs?: number;
}

/**
 * With --jobs, a worker sends a file's rows back whole, encoded: files from this size on are exported by the
 * main thread in their turn, so that what waits in memory stays small (at most 6 batches per worker).
 */
const INLINE_FROM = 4 << 20;

export interface ExportResult {
  code: number;
  sessions: number;
  rows: Record<TableName, number>;
  files: Record<TableName, string[]>;
  /** No SOURCE could be read: nothing was written (see ReadRun.nothingRead). */
  nothingRead?: boolean;
}

const USAGE: ExportResult = {
  code: EXIT.usage, sessions: 0, rows: { events: 0, responses: 0, turns: 0, sessions: 0 },
  files: { events: [], responses: [], turns: [], sessions: [] },
};

/** Export SOURCEs (a folder stands for every capture in it) into a folder; null after a one-line message. */
export async function exportCaptures(sources: string[], o: ExportOptions, ctx: Ctx): Promise<ExportResult | null> {
  if (o.append && o.force) {
    ctx.say('rtev: --append and --force: choose one (add to the tables, or replace them)');
    return USAGE;
  }
  const setup = diagnosisSetup(o, ctx);
  if (!setup) return USAGE;
  const json = o.json !== false;
  const mode: Mode = o.force ? 'force' : o.append ? 'append' : 'new';
  const folderOptions = {
    dir: o.output, format: o.format ?? 'parquet', partition: o.partition === 'date', mode, columns: tableColumns(json),
    parquet: { createdBy: `rtev ${version()}` },
  };
  const refused = refusal(folderOptions);
  if (refused) {
    ctx.say(`rtev: ${escapeControls(refused)}`);
    return null;
  }
  // Made here, one level at a time: the folder's own recursive mkdir never returns under /proc.
  const made: string[] = [];
  const cannot = makeFolder(o.output, made, 'export writes its tables into a folder');
  if (cannot) {
    ctx.say(`rtev: ${escapeControls(cannot.message)}`);
    return null;
  }
  let folder: ExportFolder | null = null;
  try {
    folder = new ExportFolder(folderOptions);
    const out = folder;
    let sessions = 0;
    // A folder SOURCE stands for every capture in it. Each source is exported on its own (in worker threads when
    // there are several files), and its rows reach the folder in source order: the files are the same either way.
    const run = await readPerSource(sources, ctx, o, {
      name: 'export', opts: { ...coreOptions(o), json }, jobs: o.jobs, note: setup.onNote,
      rows: out, afterChunk: () => out.drain(), inlineFrom: INLINE_FROM,
      onEnd: async (partial) => {
        const p = partial as ExportPartial;
        sessions += p.sessions;
        if (p.rows) {
          decodeRows(p.rows, out);
          await out.drain();
        }
      },
    });
    if (run.nothingRead) {
      // No tables of nothing (the error lines say why), and no folder left to refuse the next run.
      await folder.abort();
      for (const dir of made.reverse()) try { rmdirSync(dir); } catch { break; }
      return { code: run.code, sessions, rows: folder.rows, files: folder.files, nothingRead: true };
    }
    await folder.close();
    return { code: run.code, sessions, rows: folder.rows, files: folder.files };
  } catch (e) {
    await folder?.abort();
    const err = e as NodeJS.ErrnoException;
    if (!err.code || !err.syscall) throw e;
    // The file system said no (a full disk, no permission): one line, and the partial files are gone.
    ctx.say(`rtev: ${escapeControls(o.output)}: ${escapeControls(err.message)}`);
    return null;
  }
}

/**
 * `rtev export SOURCE… -o DIR`: the four tables (events, responses, turns, sessions) as Parquet (or JSON lines),
 * plain or partitioned by date; then what was written, per table.
 */
export async function runExport(sources: string[], o: ExportOptions, ctx: Ctx): Promise<number> {
  const r = await exportCaptures(sources, o, ctx);
  if (!r) return EXIT.failure;
  if (r.code === EXIT.usage || r.nothingRead) return r.code;
  for (const t of TABLE_NAMES) {
    const n = r.files[t].length;
    ctx.out.write(`${t.padEnd(10)} ${r.rows[t].toLocaleString('en-US').padStart(10)} row${r.rows[t] === 1 ? ' ' : 's'} in ${n} file${n === 1 ? '' : 's'}\n`);
  }
  const s = r.sessions;
  ctx.out.write(`${s} session${s === 1 ? '' : 's'} → ${escapeControls(o.output)} (${o.format ?? 'parquet'}${o.partition ? ', partitioned by date' : ''})\n`);
  await ctx.out.flush();
  return r.code;
}
