/** The commands for fleets of recordings: export (Parquet tables) and sql (DuckDB over them). */
import { Option, type Command } from 'commander';
import { act, count, withReadFlags, HELP_FOOTER, type Runner } from './shared.js';

const PRICES = 'a JSON file of prices, USD per million tokens, that adds or overrides models';

export function fleetCommands(program: Command, r: Runner): void {
  withReadFlags(program.command('export')
    .description('write captures as Parquet tables (events, responses, turns, sessions) for DuckDB, Spark, Trino, BigQuery')
    .argument('[source...]', 'capture files, or folders of them (every .jsonl, .json, .har, .gz inside, recursively); - or nothing for stdin'))
    .requiredOption('-o, --output <dir>', 'the folder to write the tables to')
    .addOption(new Option('--partition <key>', 'Hive-style folders: DIR/<table>/date=YYYY-MM-DD/part-N.parquet').choices(['date']))
    .addOption(new Option('--format <format>', 'parquet, or the same rows as JSON lines').choices(['parquet', 'jsonl']).default('parquet'))
    .option('--append', 'add new part files to the tables already in DIR')
    .option('--force', 'replace the tables already in DIR')
    .option('--no-json', "leave out the events' json column")
    .option('--slow <ms>', 'the slow-turn threshold, ms (default 1500)', count)
    .option('--prices <file>', PRICES)
    .addHelpText('after', `
Tables and columns: README, "rtev export". A folder that already holds tables is
refused unless --append or --force says what to do with them.${HELP_FOOTER}`)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/export.js')).runExport(sources, opts, ctx)));
}
