/** The commands that read captures: cat, filter, show, stats, transcript, audio, check. */
import { Option, type Command } from 'commander';
import { RULES } from '../pipeline/check.js';
import { audioClash, DEFAULT_MAX_MB, megabytes, WAV_MAX_MB } from './audio-options.js';
import { act, count, givenFlag, jobs, JOBS_HELP, makeCtx, readingCommand, withDisplayOptions, withReadFlags, type Runner } from './shared.js';

export function readingCommands(program: Command, r: Runner): void {
  withDisplayOptions(readingCommand(program, 'cat', 'pretty-print captures, one line per event'))
    .option('--json', 'write one tagged JSON line per event: {seq, ts, dir, protocol, variant, family, [alias], event}')
    .addOption(new Option('--raw', 'write the input lines unchanged, byte for byte').conflicts('json'))
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/cat.js')).runCat(sources, opts, ctx)));

  const filter = withDisplayOptions(readingCommand(program, 'filter', 'select events; writes the selected input lines unchanged'))
    .option('-n, --limit <n>', 'stop after N selected events', count)
    .addOption(new Option('--count', 'print only the number of selected events').conflicts(['pretty', 'json']))
    .addOption(new Option('--pretty', "print in cat's format instead of the raw lines (then --time, --all, --wide apply)").conflicts('json'))
    .option('--json', 'write tagged JSON lines, as cat --json does')
    .option('-j, --jobs <n>', `with --count: ${JOBS_HELP}`, jobs);
  // The display options shape cat's format only: without --pretty they would do nothing, silently.
  filter.hook('preAction', () => {
    // Selected lines are written in order by one thread; only counting spreads files over threads.
    if (!filter.getOptionValue('count') && givenFlag(filter, ['jobs'])) {
      filter.error("error: option '--jobs' applies with --count only: selected lines are written in order by one thread", { code: 'rtev.uselessOption', exitCode: 2 });
    }
    if (filter.getOptionValue('pretty')) return;
    const flag = givenFlag(filter, ['time', 'all', 'wide']);
    if (flag) filter.error(`error: option '${flag}' applies to --pretty output only: without it, filter writes the selected lines unchanged`, { code: 'rtev.uselessOption', exitCode: 2 });
  });
  filter
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/filter.js')).runFilter(sources, opts, ctx)));

  withReadFlags(program.command('show')
    .description('print frames by number as indented JSON, base64 audio summed up: rtev show capture.jsonl 12, or 12-14')
    .argument('<source>', 'a capture (any format rtev reads), or - for stdin')
    .argument('<frames>', 'N, N-M or a list (3,7,10-12): the numbers cat --json gives (seq), and cat shows for untimed frames'))
    .option('--full', 'keep base64 audio and binary payloads whole instead of <N bytes, T s of audio>')
    .action(async (source: string, frames: string, opts) => {
      const ctx = await makeCtx(r.io, opts.color, 'show');
      const code = await (await import('../commands/show.js')).runShow(source, frames, opts, ctx);
      r.code = ctx.out.error ? 1 : code;
    });

  readingCommand(program, 'stats', 'summarise captures: responses, turns, latency, cost and errors first, then counts, tokens, audio')
    .option('--json', 'write one JSON object, with the keys the README documents')
    .option('--by-file', 'print a summary for each source, then the combined one')
    .option('--prices <file>', 'a JSON file of prices (USD per million tokens) that adds or overrides models')
    .option('--slow <ms>', 'the slow-turn threshold: first audio later than this (default 1500)', count)
    .option('-j, --jobs <n>', JOBS_HELP, jobs)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/stats.js')).runStats(sources, opts, ctx)));

  readingCommand(program, 'transcript', 'the conversation as text: who said what, tool calls, interruptions, failures')
    .addOption(new Option('--markdown', 'write Markdown: a heading per turn, who spoke in bold, tool calls as code, unheard words struck through').conflicts('json'))
    .option('--json', 'write a JSON array of turns (the README documents its keys)')
    .option('--all', 'also show the out-of-band responses (conversation: "none"), labelled, never as a reply')
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
    .option('--json', 'write one JSON object per finding: {file, line, rule, severity, message}')
    .option('-j, --jobs <n>', JOBS_HELP, jobs)
    .addHelpText('after', `
Rules (severity):
${Object.entries(RULES).map(([id, rule]) => `  ${id.padEnd(22)} ${rule.severity.padEnd(8)} ${rule.about}`).join('\n')}

check exits 1 when an error is found (warnings alone exit 0).`)
    .action(act(r, async (ctx, sources: string[], opts) => (await import('../commands/check.js')).runCheck(sources, opts, ctx)));
}
