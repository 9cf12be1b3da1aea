/** The commands for fleets of recordings: export (Parquet tables) and sql (DuckDB over them). */
import { Option, type Command } from 'commander';
import { act, count, jobs, JOBS_HELP, withReadFlags, type Runner } from './shared.js';

const PRICES = 'a JSON file of prices, USD per million tokens, that adds or overrides models';

export function fleetCommands(program: Command, r: Runner): void {
  withReadFlags(program.command('export')
    .description('write captures as Parquet tables (events, responses, turns, sessions) for DuckDB, Spark, Trino, BigQuery')
    .argument('[source...]', 'capture files, or folders of them (every .jsonl, .json, .har, .gz inside, recursively); - or nothing for stdin'))
    .requiredOption('-o, --output <dir>', 'the folder to write the tables to')
    .addOption(new Option('--partition <key>', 'write Hive-style folders by date: DIR/<table>/date=YYYY-MM-DD/part-N.parquet').choices(['date']))
    .addOption(new Option('--format <format>', 'parquet, or the same rows as JSON lines').choices(['parquet', 'jsonl']).default('parquet'))
    .option('--append', 'add new part files to the tables already in DIR')
    .option('--force', 'replace the tables already in DIR')
    .option('--no-json', "leave out the events' json column")
    .option('--slow <ms>', 'the slow-turn threshold, ms (default 1500)', count)
    .option('--prices <file>', PRICES)
    .option('-j, --jobs <n>', JOBS_HELP, jobs)
    .addHelpText('after', `
Tables and columns: README, "rtev export". A folder that already holds tables is
refused (exit 1) unless --append or --force says what to do with them.`)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/export.js')).runExport(sources, opts, ctx)));

  withReadFlags(program.command('sql')
    .description('run SQL on an embedded DuckDB, with events, responses, turns and sessions as tables')
    .argument('<query>', 'the SQL: one statement, or several separated by ; (the last one\'s rows are written)')
    .argument('[source...]', 'captures or folders, exported on the fly to a temporary folder; - or nothing for stdin'))
    .option('--from <dir>', 'query a folder made by rtev export (plain or partitioned) instead of SOURCEs')
    .option('--json', 'write the rows as a JSON array of objects')
    .option('--jsonl', 'write one JSON object per row, per line')
    .option('--csv', 'write CSV, with a header row')
    .option('--slow <ms>', 'the slow-turn threshold, ms (default 1500)', count)
    .option('--prices <file>', PRICES)
    .addHelpText('after', `
Examples:
  rtev sql "select type, count(*) from events group by 1 order by 2 desc" recordings/
  rtev sql --from out "select model, quantile_disc(first_audio_ms, 0.95) from turns join sessions using (session_id) group by 1"

Times are TIMESTAMP WITH TIME ZONE, shown in UTC. DuckDB is an optional dependency
(npm install @duckdb/node-api); without it, rtev sql says so and exits 1.`)
    .action(async (query: string, sources: string[], opts) => {
      const { makeCtx } = await import('./shared.js');
      r.code = await (await import('../commands/sql.js')).runSql(query, sources, opts, await makeCtx(r.io, opts.color));
    });
}
