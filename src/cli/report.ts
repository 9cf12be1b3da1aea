/** rtev report: one self-contained HTML page per call. */
import { InvalidArgumentError, type Command } from 'commander';
import { act, count, version, withReadFlags, type Runner } from './shared.js';

function megabytes(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError('expected a number of megabytes, like 50 or 0.5');
  return Number(v);
}

export function reportCommands(program: Command, r: Runner): void {
  withReadFlags(program.command('report')
    .description('one self-contained HTML page for a call: timeline, audio, turns, transcript, configuration, event log')
    .argument('[source...]', 'capture files (JSONL, recording, JSON array, HAR, gzip); - or nothing for stdin'))
    .option('-o, --output <file>', 'the page to write (default: the first SOURCE with .html for its extension); - for stdout')
    .option('--force', 'overwrite the page if it exists')
    .option('--no-audio', 'leave the audio out (the timeline still shows it)')
    .option('--max-audio-mb <n>', 'at most this much audio in the page, in MB of base64 (default 50); the page says what was left out', megabytes)
    .option('--slow <ms>', 'flag a turn slow when its first audio comes later than this (default 1500)', count)
    .option('--prices <file>', 'a JSON file of prices (USD per million tokens) that adds or overrides models')
    .addHelpText('after', `
The page makes no network request of any kind: open it from disk, attach it to a
ticket. Every string from the capture is shown as text, never run as markup.`)
    .action(act(r, async (ctx, sources: string[], opts) =>
      (await import('../commands/report.js')).runReport(sources, { ...opts, output: opts.output, generator: `rtev ${version()}` }, ctx)));
}
