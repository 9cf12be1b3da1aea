/** The commands that read the turn model: turns, session, diff. */
import type { Command } from 'commander';
import { act, count, jobs, JOBS_HELP, readingCommand, withFilterOptions, withReadFlags, type Runner } from './shared.js';

const PRICES = 'a JSON file of prices, USD per million tokens, that adds or overrides models: {"<model>": {"text_in": 4, …}}';

export function diagnosisCommands(program: Command, r: Runner): void {
  readingCommand(program, 'turns', 'one row per turn: latency, first audio, tool waits, audio heard, status, cost, flags')
    .option('--json', 'write one JSON object per turn, per line (the README documents its keys)')
    .option('--slow <ms>', 'flag a turn slow when its first audio comes later than this (default 1500)', count)
    .option('--prices <file>', PRICES)
    .option('-j, --jobs <n>', JOBS_HELP, jobs)
    .addHelpText('after', `
The filter options select turns: a turn is shown when any of its events matches.
Flags: slow (first audio over --slow), interrupted, short_barge_in (under 500 ms of
speech that interrupted the turn before), tool_dead_air (tool wait over 2 s),
failed, no_response.

GPT-Live (the model takes turns itself): a turn is the user's speech, then the
model's; columns gap (user end → model start; negative: talked over the user),
answer, overlap (the user spoke over the model: a barge-in), delegated; flags
barge_in, talked_over, long_gap (over 2 s), no_answer. The filter options select
the frames its model reads.`)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/turns.js')).runTurns(sources, opts, ctx)));

  readingCommand(program, 'session', 'the configuration in force over time, and every setting that did not apply')
    .option('--json', 'write a JSON array: [{seq, ts, kind, config, changes, not_applied}]')
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/session.js')).runSession(sources, opts, ctx)));

  withFilterOptions(withReadFlags(program.command('diff')
    .description('compare two captures, or two folders of captures: latency, interruptions, failures, cost, configuration')
    .argument('<a>', 'a capture, or a folder of captures')
    .argument('<b>', 'another capture, or folder')))
    .option('--json', 'write one JSON object: {a, b, changes: [{metric, a, b, delta, delta_pct}], config: [{setting, a, b}]}')
    .option('--slow <ms>', 'the slow-turn threshold, ms (default 1500)', count)
    .option('--prices <file>', PRICES)
    .action(async (a: string, b: string, opts) => {
      const { makeCtx } = await import('./shared.js');
      r.code = await (await import('../commands/diff.js')).runDiff(a, b, opts, await makeCtx(r.io, opts.color));
    });
}
