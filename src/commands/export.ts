import { escapeControls } from '../format/escape.js';
import { Exporter, tableColumns } from '../export/exporter.js';
import { makeFolder } from '../make-folder.js';
import { ExportFolder, refusal, type Format, type Mode } from '../export/folder.js';
import { TABLE_NAMES, type TableName } from '../export/schema.js';
import { version } from '../cli/shared.js';
import { EXIT, type Ctx } from './context.js';
import { diagnosisSetup, type DiagnosisOptions } from './diagnosis-options.js';
import { visitFrames, type ReadFlags } from './frames.js';

export interface ExportOptions extends ReadFlags, DiagnosisOptions {
  output: string;
  partition?: 'date';
  format?: Format;
  append?: boolean;
  force?: boolean;
  /** False with --no-json. */
  json?: boolean;
}

export interface ExportResult {
  code: number;
  sessions: number;
  rows: Record<TableName, number>;
  files: Record<TableName, string[]>;
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
  const cannot = makeFolder(o.output, [], 'export writes its tables into a folder');
  if (cannot) {
    ctx.say(`rtev: ${escapeControls(cannot.message)}`);
    return null;
  }
  let folder: ExportFolder | null = null;
  try {
    folder = new ExportFolder(folderOptions);
    const exporter = new Exporter(folder, { ...setup, json });
    const out = folder;
    // A folder SOURCE stands for every capture in it: the readers expand it (and name an empty one).
    const run = await visitFrames(sources, ctx, o, (f) => exporter.add(f), undefined, () => out.drain());
    exporter.finish();
    await folder.close();
    return { code: run.code, sessions: exporter.counts.sessions, rows: folder.rows, files: folder.files };
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
  if (r.code === EXIT.usage) return r.code;
  for (const t of TABLE_NAMES) {
    const n = r.files[t].length;
    ctx.out.write(`${t.padEnd(10)} ${r.rows[t].toLocaleString('en-US').padStart(10)} row${r.rows[t] === 1 ? ' ' : 's'} in ${n} file${n === 1 ? '' : 's'}\n`);
  }
  const s = r.sessions;
  ctx.out.write(`${s} session${s === 1 ? '' : 's'} → ${escapeControls(o.output)} (${o.format ?? 'parquet'}${o.partition ? ', partitioned by date' : ''})\n`);
  await ctx.out.flush();
  return r.code;
}
