/** The commands about the catalogue itself: types. */
import { Option, type Command } from 'commander';
import { makeCtx, withColorOptions, type Runner } from './shared.js';

export function catalogueCommands(program: Command, r: Runner): void {
  withColorOptions(program
    .command('types')
    .description('list the event catalogue: type, variant, family, direction, beta aliases')
    .option('--json', 'write one JSON object per variant, per line')
    .addOption(new Option('--protocol <name>', 'the catalogue of this protocol').choices(['realtime', 'translation', 'live']).default('realtime')))
    .action(async (opts) => {
      r.code = await (await import('../commands/types.js')).runTypes(opts, await makeCtx(r.io, opts.color));
    });
}
