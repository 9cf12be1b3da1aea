/** The commands that talk to servers or are one: tail, record, replay, demo. */
import type { Command } from 'commander';
import { Option } from 'commander';
import {
  act, bundledSample, collect, count, exclusiveFlags, makeCtx, port, tailSourceClash, version, withColorOptions,
  withDisplayOptions, withFilterOptions, withReadFlags, type Runner,
} from './shared.js';

/** A live source: a WebSocket URL, `openai`, `live`, `translate`, nothing, or --call-id. Anything else is a file. */
function isLive(source: string | undefined): boolean {
  return source === undefined || source === 'openai' || source === 'live' || source === 'translate' || /^wss?:\/\//i.test(source);
}

/** Where a live session connects and how: shared by tail and record. */
function withConnectOptions(cmd: Command): Command {
  return cmd
    .option('--call-id <id>', 'watch a WebRTC or SIP call: the sideband connection ?call_id=ID')
    .option('--attach <session_id>', 'GPT-Live: observe a running session through its sideband (…/v1/live/sessions/ID/attach)')
    .option('--model <model>', 'the model (default $RTEV_MODEL, else gpt-realtime; live: gpt-live-1; translate: gpt-realtime-translate)')
    .option('--instructions <text>', 'GPT-Live: the instructions of the session.start rtev sends')
    .option('--voice <voice>', 'GPT-Live: the voice of the session.start rtev sends')
    .option('--to <language>', 'Realtime Translation: the language to translate into (es, fr, …), sent as session.update')
    .option('--header <header>', 'an extra header, "Name: value" (repeatable); the only credential sent to other hosts', collect)
    .option('--reconnect', 'reconnect when the connection ends, with capped exponential backoff')
    .option('--insecure', 'send keys over plain ws:// to a host that is not loopback (readable on the network)')
    .option('--force', 'overwrite the recording file if it exists');
}

export function liveCommands(program: Command, r: Runner): void {
  const tail = withDisplayOptions(withConnectOptions(withFilterOptions(withReadFlags(program.command('tail')
    .description('watch a live session (ws://, wss://, openai, live, translate) while recording it; or the last events of a file')
    .argument('[source]', 'wss://… or ws://… URL, openai (the default: the Realtime API), live (GPT-Live), translate (Realtime Translation), or a capture file')))))
    .option('--record <file>', 'record to this file (default recordings/<UTC time>_<host>.jsonl)')
    .option('--no-record', 'only show the session, record nothing')
    .option('--exit-after <pattern>', 'end (exit 0) after the first event of this type')
    .option('--timeout <seconds>', 'end after this long: exit 0, or with --exit-after exit 1 if nothing matched by then', count)
    .option('--send <event>', 'once the session is up, send client events: JSON, or a file of JSONL or a JSON array (repeatable); live: a session.start first replaces the one rtev builds', collect)
    .option('--say <text>', 'send a user text message and response.create (repeatable; the Realtime API only)', collect)
    .option('--audio <file.wav>', 'stream a WAV file in real time as input_audio_buffer.append (live: session.input_audio.append; translate: session.input_audio_buffer.append) (repeatable)', collect)
    .addOption(new Option('--audio-speed <speed>', 'how fast to stream --audio').choices(['real', 'max']).default('real'))
    .option('-n, --lines <n>', 'a file: print its last N events', count, 10)
    .option('-f, --follow', 'a file: keep printing events as they are appended')
    .option('--json', 'write tagged JSON lines, as cat --json does')
    .action(async (source: string | undefined, opts) => {
      tailSourceClash(tail, isLive(source));
      const ctx = await makeCtx(r.io, opts.color);
      if (isLive(source)) {
        const { runLive } = await import('../commands/live.js');
        const { planOutgoing, outgoingOrder, SendError } = await import('../send/outbox.js');
        let items;
        try {
          items = planOutgoing(outgoingOrder(r.argv));
        } catch (e) {
          if (!(e instanceof SendError)) throw e;
          r.io.stderr.write(`rtev: ${(await import('../format/escape.js')).escapeControls(e.message)}\n`);
          r.code = 2;
          return;
        }
        r.code = await runLive(source, { ...opts, print: true, version: version(), command: 'tail' }, ctx, { items, audioSpeed: opts.audioSpeed });
      } else {
        const { tailFile } = await import('../commands/tail-file.js');
        r.code = await tailFile(source!, opts, ctx);
      }
    });
  exclusiveFlags(tail, 'record', 'no-record');

  withConnectOptions(program.command('record')
    .description('record a live session (or bare events from stdin: -) without printing it')
    .argument('[source]', 'wss://… or ws://… URL, openai (the default), live, translate, or - for stdin'))
    .option('-o, --output <file>', 'the file to record to (default recordings/<UTC time>_<host>.jsonl)')
    .action(async (source: string | undefined, opts) => {
      const ctx = await makeCtx(r.io, false);
      const live = await import('../commands/live.js');
      const o = { ...opts, record: opts.output, print: false, time: 'abs' as const, version: version(), command: 'record' };
      r.code = source === '-' ? await live.recordStdin(o, ctx) : await live.runLive(source, o, ctx);
    });

  withColorOptions(program.command('replay')
    .description('serve a capture as a realtime server on loopback: each client gets the server frames, spaced as recorded')
    .argument('<source>', 'a capture file (any format rtev reads)')
    .option('--port <port>', 'the port (0 picks a free one)', port, 0)
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--speed <x>', 'a speed factor (2 = twice as fast), or max: as fast as the client reads', '1')
    .option('--rate <n>', 'frames per second for captures without timestamps (default: as fast as possible)')
    .option('--interactive', "before each turn, wait for the client's response.create, commit, or audio then silence")
    .option('--loop', 'start again from the beginning after the last frame')
    .option('--close', 'close with 1000 after the last frame (by default the connection stays open)')
    .option('--wide', 'never cut long values of client frames'))
    .action(act(r, async (ctx, source: string, opts) => (await import('../commands/replay.js')).runReplay(source, opts, ctx)));

  withColorOptions(program.command('demo')
    .description('replay a recording on a free local port and watch it live, both directions, then its stats headline (no API key)')
    // No default in the help: it would show the path rtev was installed at.
    .argument('[file]', 'a recording (default: the bundled sample, recordings/sample.jsonl)')
    .option('--speed <x>', 'how fast to replay: a factor (4 = four times as fast) or max', '4'))
    .action(act(r, async (ctx, file: string | undefined, opts) =>
      (await import('../commands/demo.js')).runDemo(file ?? bundledSample(), { speed: opts.speed, version: version() }, ctx)));
}
