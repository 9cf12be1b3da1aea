import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeControls } from '../format/escape.js';
import { ResultWriter, type ResultFormat } from '../format/sql-result.js';
import { tableColumns } from '../export/exporter.js';
import { INSTALL, loadDuckDB, openExport } from '../sql/duckdb.js';
import { EXIT, type Ctx } from './context.js';
import type { DiagnosisOptions } from './diagnosis-options.js';
import { exportCaptures } from './export.js';
import type { ReadFlags } from './frames.js';

export interface SqlOptions extends ReadFlags, DiagnosisOptions {
  from?: string;
  json?: boolean;
  jsonl?: boolean;
  csv?: boolean;
}

/** DuckDB's message, on one line: its first line (the kind of error and what went wrong). */
const firstLine = (e: unknown) => escapeControls(String((e as Error)?.message ?? e).split('\n')[0]!);

/**
 * `rtev sql QUERY [SOURCE…]`: the query on an embedded DuckDB, with events, responses, turns and sessions as
 * views: over an export folder (`--from DIR`), or over the SOURCEs exported on the fly to a temporary folder.
 */
export async function runSql(query: string, sources: string[], o: SqlOptions, ctx: Ctx): Promise<number> {
  const formats = [o.json && 'json', o.jsonl && 'jsonl', o.csv && 'csv'].filter(Boolean) as ResultFormat[];
  if (formats.length > 1) {
    ctx.say(`rtev: ${formats.map((f) => '--' + f).join(' and ')}: choose one`);
    return EXIT.usage;
  }
  if (o.from !== undefined && sources.length) {
    ctx.say('rtev: --from reads an export folder: give it or SOURCEs, not both');
    return EXIT.usage;
  }
  const duck = await loadDuckDB();
  if (!duck) {
    ctx.say(`rtev: sql needs DuckDB's native package, which cannot be loaded here; install it with: ${INSTALL}`);
    return EXIT.failure;
  }
  let dir = o.from;
  let temp: string | null = null;
  let code: number = EXIT.ok;
  try {
    if (dir !== undefined) {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        ctx.say(`rtev: --from ${escapeControls(dir)}: no such folder`);
        return EXIT.failure;
      }
    } else {
      temp = mkdtempSync(join(tmpdir(), 'rtev-sql-'));
      dir = join(temp, 'export');
      const r = await exportCaptures(sources, { output: dir, strict: o.strict, protocol: o.protocol, prices: o.prices, slow: o.slow }, ctx);
      if (!r) return EXIT.failure;
      if (r.code === EXIT.usage || r.nothingRead) return r.code;
      code = r.code;
    }
    let conn;
    try {
      conn = await openExport(duck, dir, tableColumns(true));
    } catch (e) {
      ctx.say(`rtev: ${escapeControls(dir)}: ${firstLine(e)}`);
      return EXIT.failure;
    }
    try {
      // Several statements (a CREATE, then a SELECT): each runs in turn, and the last one's rows are written.
      const stmts = await conn.extractStatements(query);
      for (let i = 0; i < stmts.count - 1; i++) await (await stmts.prepare(i)).run();
      const result = await (await stmts.prepare(stmts.count - 1)).stream();
      const n = result.columnCount;
      const names = result.deduplicatedColumnNames();
      const types = Array.from({ length: n }, (_, i) => result.columnTypeId(i) as number);
      const out = new ResultWriter(formats[0] ?? 'table', names, types, (s) => ctx.out.write(s), ctx.palette, ctx.io.stdoutIsTTY);
      for await (const rows of result.yieldRowsJson()) {
        for (const row of rows) out.add(row);
        await ctx.out.maybeFlush();
        if (ctx.out.closed) break;
      }
      out.end();
    } catch (e) {
      ctx.say(`rtev: sql: ${firstLine(e)}`);
      code = EXIT.failure;
    } finally {
      conn.closeSync();
    }
    await ctx.out.flush();
    return code;
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
