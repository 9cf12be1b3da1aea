/** The proxy between a user's own app and its realtime server: rtev proxy. */
import type { Command } from 'commander';
import { act, collect, port, version, withColorOptions, withDisplayOptions, withFilterOptions, type Runner } from './shared.js';

const PROXY_HELP = `
Point the app's base URL at the proxy (OPENAI_BASE_URL=http://127.0.0.1:8787/v1): a connection to
PATH?QUERY goes to UPSTREAM's origin, under UPSTREAM's own path, queries merged (the app's values win).
Every frame is forwarded unchanged and recorded, one file per connection:
DIR/<UTC yyyy-mm-ddThh-mm-ss>_<upstream host>_<n>.jsonl. The app's Authorization or api-key is passed on;
without one, rtev adds its own key by tail's host policy. Ctrl-C or SIGTERM closes every connection with
1001, finishes the recordings and exits 130 / 143; exit 1 if it cannot listen or write to DIR.
`;

export function proxyCommands(program: Command, r: Runner): void {
  const cmd = program.command('proxy')
    .description("record your own app's realtime sessions: a WebSocket and HTTP proxy to the upstream that shows and records both directions")
    .argument('[upstream]', 'openai (wss://api.openai.com, the default), an Azure endpoint, or any ws://, wss://, http(s):// URL')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--port <port>', 'the port (0 picks a free one)', port, 8787)
    .option('--dir <folder>', 'where recordings go (recordings/ is created when needed; another folder must exist)', 'recordings')
    .option('--no-record', 'forward and show, but write no recordings')
    .option('--force', 'overwrite recording files that exist')
    .option('--header <header>', 'a header for the upstream, "Name: value" (repeatable), sent when the app does not send it', collect)
    .option('--quiet', 'no frames: one line per connection opened and closed')
    .option('--json', 'write tagged JSON lines, as cat --json does, with "conn": the connection');
  withColorOptions(withDisplayOptions(withFilterOptions(cmd, '--direction <dir>')))
    .addHelpText('after', PROXY_HELP)
    .action(act(r, async (ctx, upstream: string | undefined, opts) =>
      (await import('../commands/proxy.js')).runProxy(upstream, { ...opts, version: version() }, ctx)));
}
