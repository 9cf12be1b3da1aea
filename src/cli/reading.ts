/** The commands that read captures: cat, filter, stats, transcript, audio, check. */
import { Option, type Command } from 'commander';
import { RULES } from '../pipeline/check.js';
import { audioClash, DEFAULT_MAX_MB, megabytes, WAV_MAX_MB } from './audio-options.js';
import { act, count, readingCommand, withDisplayOptions, type Runner } from './shared.js';

export function readingCommands(program: Command, r: Runner): void {
  withDisplayOptions(readingCommand(program, 'cat', 'pretty-print captures, one line per event'))
    .option('--json', 'one tagged JSON line per event: {seq, ts, dir, protocol, variant, family, [alias], event}')
    .addOption(new Option('--raw', 'the input lines, unchanged').conflicts('json'))
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/cat.js')).runCat(sources, opts, ctx)));

  withDisplayOptions(readingCommand(program, 'filter', 'select events; writes the selected input lines unchanged'))
    .option('-n, --limit <n>', 'stop after N selected events', count)
    .addOption(new Option('--count', 'print only the number of selected events').conflicts(['pretty', 'json']))
    .addOption(new Option('--pretty', "print in cat's format instead of the raw lines (then --time, --all, --wide apply)").conflicts('json'))
    .option('--json', 'tagged JSON lines, as cat --json')
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/filter.js')).runFilter(sources, opts, ctx)));

  readingCommand(program, 'stats', 'summarise captures: responses, turns, latency, cost and errors first, then counts, tokens, audio')
    .option('--json', 'one JSON object with the documented keys')
    .option('--by-file', 'a summary for each source, then the combined one')
    .option('--prices <file>', 'a JSON file of prices (USD per million tokens) that adds or overrides models')
    .option('--slow <ms>', 'the slow-turn threshold: first audio later than this (default 1500)', count)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/stats.js')).runStats(sources, opts, ctx)));

  readingCommand(program, 'transcript', 'the conversation as text: who said what, tool calls, interruptions, failures')
    .addOption(new Option('--markdown', 'Markdown').conflicts('json'))
    .option('--json', 'a JSON array of turns')
    .option('--all', 'also the out-of-band responses (conversation: "none"), labelled, never as a reply')
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/transcript.js')).runTranscript(sources, opts, ctx)));

  const audio = readingCommand(program, 'audio', 'rebuild the audio as WAV files: one per response, --join one for the session, --stereo the conversation')
    .requiredOption('-o, --output <dir>', 'the folder to write the WAV files to (required)')
    .option('--join', 'one WAV on the time line, with silence where time passed (a silence over 10 s is cut to 10 s)')
    .option('--input', "the user's audio (the client's appends; on a GPT-Live sideband, the input it reflects) as input.wav")
    .option('--heard', 'each response only as far as the user heard it (cut where it was interrupted)')
    .option('--stereo', 'conversation.wav: the user on the left, the assistant on the right, each at its real time, as heard')
    .option('--force', 'overwrite WAV files that exist')
    .option('--max-mb <n>', `the most one file may hold, in MB (default ${DEFAULT_MAX_MB}, at most ${WAV_MAX_MB}); what would go past it is left out and named`, megabytes)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/audio.js')).runAudio(sources, opts, ctx)));
  audio.hook('preAction', () => {
    const clash = audioClash(audio.opts());
    if (clash) audio.error(`error: ${clash}`, { code: 'rtev.conflictingOption', exitCode: 2 });
  });

  readingCommand(program, 'check', 'protocol conformance: unknown types, required fields, order, deltas vs done, duplicate ids')
    .option('--json', 'one JSON object per finding: {file, line, rule, severity, message}')
    .addHelpText('after', `
Rules (severity):
${Object.entries(RULES).map(([id, rule]) => `  ${id.padEnd(22)} ${rule.severity.padEnd(8)} ${rule.about}`).join('\n')}

check exits 1 when an error is found (warnings alone exit 0).`)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/check.js')).runCheck(sources, opts, ctx)));
}
