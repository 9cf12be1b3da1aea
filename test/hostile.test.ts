// Terminal safety (#12): every string from a capture, a server or a file name is escaped before it reaches a
// terminal, on stdout and on stderr. One hostile value goes into every field of every variant of every protocol's
// catalogue (generated from src/events, so a new variant is covered without touching this file), into a coherent
// conversation (so the turn model's views have something to show), into recording envelopes, times and file
// names; then every command and every message path runs on it, on a terminal and into a pipe, and the output
// must hold no raw C0 (but newline), C1, DEL, bidi or zero-width character, and be valid UTF-8.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogueOf, PROTOCOLS, type FieldKind, type Protocol, type Variant } from '../src/events/catalogue.js';
import { makePalette } from '../src/format/palette-chalk.js';
import { Output } from '../src/format/output.js';
import { ConnectionView } from '../src/proxy/view.js';
import { WebSocket } from 'ws';
import { main } from '../src/cli.js';
import { rtev, tmp, type RawResult } from './helpers.js';
import { startServer, type TestServer } from './server.js';

/** OSC 52 (a clipboard write), a screen clear, BEL, CSI as C1, bidi overrides and isolates, zero-width, DEL, NUL, CR, a line separator. */
const H = 'a\u001b]52;c;aGk=\u0007\u001b[2J\u009b31m\u202e\u2066\u200b\u200f\u007f\u0000\r\u2028\u0085\u061c\ufeffz';
/** The same, as a JSON object key. */
const HK = `k${H}`;

/** What no output may hold raw. Our own colours (SGR) and the live line's `\r\x1b[K` are taken out first. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
const decoder = new TextDecoder('utf-8', { fatal: true });

function problems(where: string, bytes: Buffer): string[] {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const i = bytes.findIndex((b) => b >= 0x80 && b <= 0x9f && (bytes[bytes.indexOf(b) - 1] ?? 0) < 0xc0);
    return [`${where}: not valid UTF-8 (a raw byte near offset ${i}: ${JSON.stringify(bytes.subarray(Math.max(0, i - 20), i + 5).toString('latin1'))})`];
  }
  const ours = text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\x1b\[K/g, '');
  const out: string[] = [];
  ours.split('\n').forEach((line, i) => {
    const m = UNSAFE.exec(line);
    if (m) out.push(`${where}: line ${i + 1}: raw U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} in ${JSON.stringify(line.slice(Math.max(0, m.index - 40), m.index + 20))}`);
  });
  return out.slice(0, 3);
}

/** A value of a field's kind, hostile where it can be; `typed` keeps numbers numbers (the turn model reads further). */
function value(kind: FieldKind, typed: boolean): unknown {
  switch (kind) {
    case 'string': return H;
    case 'integer': return typed ? 7 : H;
    case 'number': return typed ? 1.5 : H;
    case 'object': return kitchen(typed);
    case 'array': return [kitchen(typed), H];
  }
}

/** Every field that a summary or a view reads somewhere, hostile. */
function kitchen(typed: boolean): Record<string, unknown> {
  const n = (x: number) => (typed ? x : H);
  return {
    id: H, type: H, object: H, status: H, role: H, name: H, arguments: H, call_id: H, text: H, transcript: H, model: H,
    voice: H, instructions: H, reason: H, code: H, message: H, param: H, event_id: H, output: H, content_index: n(0),
    remaining: H, limit: H, reset_seconds: H, start: H, end: H, speaker: H, delta: H, audio_end_ms: n(5), [HK]: H,
    content: [{ type: H, text: H, transcript: H, audio: H }, { type: 'input_text', text: H }],
    status_details: { type: H, reason: H, error: { type: H, code: H, message: H } },
    error: { type: H, code: H, message: H, param: H, event_id: H },
    usage: {
      input_tokens: H, output_tokens: H, total_tokens: H, type: H, seconds: H,
      input_token_details: { cached_tokens: H, text_tokens: H, audio_tokens: H, image_tokens: H },
      output_token_details: { text_tokens: H, audio_tokens: H },
    },
    audio: {
      input: { format: { type: H, rate: H }, turn_detection: { type: H, threshold: H, silence_duration_ms: H, prefix_padding_ms: H, eagerness: H }, transcription: { model: H, language: H }, noise_reduction: { type: H } },
      output: { format: { type: H }, voice: H, speed: H },
    },
    input_audio_format: H, output_audio_format: H, turn_detection: { type: H }, tools: [{ type: 'function', name: H, description: H }],
    tool_choice: H, output_modalities: [H], max_output_tokens: H, metadata: { [HK]: H }, conversation: H,
    delegation: { id: H, type: H, status: H }, event: { type: H, delta: H, item: { id: H, type: H } }, session: { id: H, model: H },
    rate_limits: [{ name: H, remaining: H, limit: H, reset_seconds: H }],
  };
}

/** One event of a variant with every field hostile: `typed` keeps the JSON kinds the catalogue requires. */
function eventOf(v: Variant, typed: boolean): Record<string, unknown> {
  const e: Record<string, unknown> = { ...(typed ? {} : kitchen(false)), type: v.type };
  for (const [field, kind] of Object.entries(v.required)) e[field] = value(kind, typed);
  for (const id of ['event_id', 'response_id', 'item_id', 'call_id']) e[id] ??= H;
  if (v.stream?.kind === 'audio') e[v.required.audio ? 'audio' : 'delta'] = typed ? Buffer.alloc(480).toString('base64') : H;
  return e;
}

const rec = (ts: string, dir: string, event: unknown) => JSON.stringify({ ts, dir, event });
const ts = (i: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, 0, i * 37)).toISOString();

/** A conversation the turn model can follow, with hostile strings in every place it shows (Realtime). */
function conversation(): string[] {
  const r = (id: string, status: string, extra: object = {}) => ({ id, object: 'realtime.response', status, ...extra });
  const events: [string, object][] = [
    ['server', { type: 'session.created', event_id: 'e1', session: { type: 'realtime', model: H, instructions: H, audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: H, threshold: H, silence_duration_ms: H }, transcription: { model: H } }, output: { voice: H } }, tools: [{ type: 'function', name: H }] } }],
    ['client', { type: 'session.update', event_id: H, session: { type: 'realtime', instructions: H, audio: { output: { voice: H } }, [HK]: H } }],
    ['server', { type: 'session.updated', event_id: 'e2', session: { type: 'realtime', model: H, instructions: H, audio: { output: { voice: 'x' } } } }],
    ['server', { type: 'error', event_id: 'e3', error: { type: H, code: H, message: H, param: H, event_id: H } }],
    ['client', { type: 'input_audio_buffer.append', audio: Buffer.alloc(4800).toString('base64') }],
    ['server', { type: 'input_audio_buffer.speech_started', event_id: 'e4', item_id: 'u1', audio_start_ms: 100 }],
    ['server', { type: 'input_audio_buffer.speech_stopped', event_id: 'e5', item_id: 'u1', audio_end_ms: 900 }],
    ['server', { type: 'input_audio_buffer.committed', event_id: 'e6', item_id: 'u1' }],
    ['server', { type: 'conversation.item.added', event_id: 'e7', item: { id: 'u1', type: 'message', role: 'user', status: H, content: [{ type: 'input_audio', transcript: null }] } }],
    ['server', { type: 'conversation.item.input_audio_transcription.delta', event_id: 'e8', item_id: 'u1', content_index: 0, delta: H }],
    ['server', { type: 'conversation.item.input_audio_transcription.completed', event_id: 'e9', item_id: 'u1', content_index: 0, transcript: H, usage: { type: 'tokens', input_tokens: H, output_tokens: H, total_tokens: H } }],
    ['server', { type: 'conversation.item.input_audio_transcription.segment', event_id: 'e10', item_id: 'u1', content_index: 0, text: H, id: H, speaker: H, start: H, end: H }],
    ['server', { type: 'response.created', event_id: 'e11', response: r('r1', 'in_progress') }],
    ['server', { type: 'response.output_item.added', event_id: 'e12', response_id: 'r1', output_index: 0, item: { id: 'f1', type: 'function_call', status: 'in_progress', name: H, call_id: 'c1', arguments: '' } }],
    ['server', { type: 'response.function_call_arguments.delta', event_id: 'e13', response_id: 'r1', item_id: 'f1', output_index: 0, call_id: 'c1', delta: H }],
    ['server', { type: 'response.function_call_arguments.done', event_id: 'e14', response_id: 'r1', item_id: 'f1', output_index: 0, call_id: 'c1', name: H, arguments: H }],
    ['server', { type: 'response.output_item.done', event_id: 'e15', response_id: 'r1', output_index: 0, item: { id: 'f1', type: 'function_call', status: 'completed', name: H, call_id: 'c1', arguments: H } }],
    ['server', { type: 'response.done', event_id: 'e16', response: r('r1', H, { status_details: { type: H, reason: H, error: { type: H, code: H } }, usage: { total_tokens: H, input_tokens: H, output_tokens: H, input_token_details: { cached_tokens: H } }, output: [{ id: 'f1', type: 'function_call', name: H, call_id: 'c1', arguments: H }] }) }],
    ['client', { type: 'conversation.item.create', event_id: 'c2', item: { type: 'function_call_output', call_id: 'c1', output: H } }],
    ['client', { type: 'response.create', event_id: 'c3', response: { [HK]: H } }],
    ['server', { type: 'response.created', event_id: 'e17', response: r('r2', 'in_progress') }],
    ['server', { type: 'response.output_audio_transcript.delta', event_id: 'e18', response_id: 'r2', item_id: 'a2', output_index: 0, content_index: 0, delta: H }],
    ['server', { type: 'response.output_audio.delta', event_id: 'e19', response_id: 'r2', item_id: 'a2', output_index: 0, content_index: 0, delta: Buffer.alloc(9600).toString('base64') }],
    ['server', { type: 'response.output_text.delta', event_id: 'e20', response_id: 'r2', item_id: 'a2', output_index: 0, content_index: 0, delta: H }],
    ['client', { type: 'conversation.item.truncate', event_id: 'c4', item_id: 'a2', content_index: H, audio_end_ms: H }],
    ['server', { type: 'conversation.item.truncated', event_id: 'e21', item_id: 'a2', content_index: H, audio_end_ms: 50 }],
    ['server', { type: 'response.done', event_id: 'e22', response: r('r2', 'cancelled', { status_details: { type: 'cancelled', reason: H }, usage: { total_tokens: 3, input_tokens: 1, output_tokens: 2 }, output: [{ id: 'a2', type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: H }] }] }) }],
    ['server', { type: 'rate_limits.updated', event_id: 'e23', rate_limits: [{ name: H, remaining: H, limit: H, reset_seconds: H }, { name: 'tokens', remaining: 5, limit: 9, reset_seconds: 1 }] }],
    ['client', { type: 'conversation.item.create', event_id: 'c5', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: H }] } }],
    ['client', { type: 'response.create', event_id: 'c6' }],
    ['server', { type: 'response.created', event_id: 'e24', response: r(H, 'in_progress') }],
    ['server', { type: 'response.done', event_id: 'e25', response: r(H, 'failed', { status_details: { type: 'failed', error: { type: H, code: H, message: H } } }) }],
    ['server', { type: 'response.created', event_id: 'e26', response: r('r4', 'in_progress') }],
    ['server', { type: 'response.done', event_id: 'e27', response: r('r4', 'incomplete', { status_details: { type: 'incomplete', reason: H }, usage: { total_tokens: 1 } }) }],
    ['server', { type: 'response.created', event_id: 'e28', response: r('r5', 'in_progress', { conversation_id: H }) }],
    ['server', { type: 'response.done', event_id: 'e29', response: r('r5', H, { status_details: { type: H } }) }],
  ];
  return events.map(([dir, e], i) => rec(ts(i), dir, e));
}

/** Every variant of a protocol, both ways (typed and all-strings), as recording lines with hostile and odd times. */
function catalogueCapture(p: Protocol): string[] {
  const lines: string[] = [];
  const times = [(i: number) => ts(i), () => `2026-11-25T12:00:01.000Z${'\u2028'}`, () => `\ufeff2026-11-25T12:00:02.000Z`, () => H, (i: number) => ts(i) + H];
  catalogueOf(p).variants.forEach((v, i) => {
    for (const typed of [true, false]) lines.push(rec(times[(i + (typed ? 0 : 2)) % times.length]!(i), typed ? v.dir : H, eventOf(v, typed)));
  });
  // Unknown types, text and binary frames, a bare event with a hostile top-level time, an envelope.
  lines.push(rec(ts(900), 'server', { ...kitchen(false), type: H }));
  lines.push(JSON.stringify({ ts: ts(901), dir: 'server', text: H }));
  lines.push(JSON.stringify({ ts: ts(902), dir: 'server', binary: Buffer.from(H).toString('base64') }));
  lines.push(JSON.stringify({ type: H, ts: H, timestamp: H }));
  lines.push(JSON.stringify({ direction: H, event: JSON.stringify({ type: H, [HK]: H }), timestamp: ts(903) }));
  // Malformed lines whose JSON.parse messages would quote hostile bytes.
  lines.push(`{"type":"x","a":"${H.replace(/"/g, '')}`);
  lines.push(`{"type":${H}}`);
  return lines;
}

const root = tmp();
/** A folder whose name is hostile too: it is in every FILE:LINE and source error. */
const dir = join(root, `caps${H.replace(/\u0000/g, '')}`);
mkdirSync(dir);
const file = (name: string, lines: string[] | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, Buffer.isBuffer(lines) ? lines : lines.join('\n') + '\n');
  return p;
};
const conv = file('conversation.jsonl', conversation());
const captures: Record<Protocol, string> = Object.fromEntries(PROTOCOLS.map((p) => [p, file(`${p}.jsonl`, catalogueCapture(p))])) as Record<Protocol, string>;
// A lone 0x9B (CSI in an 8-bit terminal) inside a string: not valid UTF-8, yet a line the scanner can read.
const lone = file('lone-9b.jsonl', Buffer.concat([Buffer.from('{"type":"response.output_text.delta","delta":"x'), Buffer.from([0x9b]), Buffer.from('2J","item_id":"i'), Buffer.from([0x9b]), Buffer.from('"}\n{"type":"x'), Buffer.from([0x9b, 0xff]), Buffer.from('"}\n')]));
const missing = join(dir, `missing${H.replace(/\u0000/g, '')}.jsonl`);
const out = tmp();

/** Commands that write a capture's own bytes unchanged: into a pipe they are byte for byte, by design. */
const VERBATIM = (args: string[]) => (args[0] === 'cat' && (args.includes('--raw') || args.includes('--json')))
  || (args[0] === 'filter' && !args.includes('--pretty') && !args.includes('--count'))
  || (args[0] === 'tail' && args.includes('--json'))
  || (args[0] === 'sql' && args.includes('--csv')); // RFC 4180 into a pipe

function commandsFor(src: string, protocol: Protocol | null): string[][] {
  const p = protocol ? ['--protocol', protocol] : [];
  return [
    ['cat', ...p, src], ['cat', '--all', '--wide', ...p, src], ['cat', '--time', 'rel', ...p, src], ['cat', '--time', 'delta', ...p, src],
    ['cat', '--time', 'none', ...p, src], ['cat', '--json', ...p, src], ['cat', '--raw', ...p, src],
    ['filter', ...p, src], ['filter', '--pretty', '--all', ...p, src], ['filter', '--json', ...p, src], ['filter', '--count', ...p, src],
    ['stats', ...p, src], ['stats', '--json', ...p, src], ['stats', '--by-file', ...p, src, conv],
    ['transcript', ...p, src], ['transcript', '--markdown', '--all', ...p, src], ['transcript', '--json', ...p, src],
    ['check', ...p, src], ['check', '--json', ...p, src],
    ['turns', ...p, src], ['turns', '--json', ...p, src], ['session', ...p, src], ['session', '--json', ...p, src],
    ['diff', ...p, src, conv], ['diff', '--json', ...p, src, conv],
    ['tail', '-n', '1000', ...p, src], ['tail', '--json', '-n', '1000', ...p, src], ['tail', '-n', '1000', '--time', 'rel', ...p, src],
    ['audio', ...p, src, '-o', join(out, `${Math.random()}`)], ['audio', '--input', '--join', ...p, src, '-o', join(out, `${Math.random()}`)],
    ['show', ...p, src, '1-200'], ['show', '--full', ...p, src, '1-200'],
    ['report', ...p, src, '-o', join(out, `${Math.random()}.html`)], ['export', ...p, src, '-o', join(out, `${Math.random()}`)],
    ['sql', 'select * from events', ...p, src], ['sql', 'select * from turns', ...p, src], ['sql', '--csv', 'select * from responses', ...p, src],
  ];
}

const USAGE: string[][] = [
  [`x${H}`], ['cat', `--${H}`], ['cat', '--time', H, conv], ['filter', '--type', H, conv], ['filter', '--exclude', `response.${H}*`, conv],
  ['cat', '--since', H, conv], ['cat', missing], ['stats', missing, conv], ['check', dir], ['show', conv, H], ['show', missing, '1'],
  ['stats', '--prices', conv, conv], ['tail', '--send', `{${H}`, 'ws://127.0.0.1:9/'], ['tail', '--header', `X: ${H}`, 'ws://127.0.0.1:9/'],
  ['record', '-o', join(dir, `rec${H.replace(/\u0000/g, '')}`), 'ws://127.0.0.1:9/'], ['replay', missing], ['demo', missing],
];

async function expectClean(label: string, r: RawResult): Promise<string[]> {
  return [...problems(`${label} stdout`, r.out), ...problems(`${label} stderr`, r.err)];
}

describe('terminal safety: every summary and message path, a hostile value in every field', () => {
  it.each([['terminal', true], ['pipe', false]] as const)('reading commands on a %s', async (_, tty) => {
    const found: string[] = [];
    const runs = [
      ...commandsFor(conv, null),
      ...PROTOCOLS.flatMap((p) => commandsFor(captures[p], p)),
      ...PROTOCOLS.map((p) => ['cat', captures[p]]), // the protocol decided by the first frames
      ['cat', lone], ['cat', '--raw', lone], ['cat', '--json', lone], ['filter', lone], ['filter', '--json', lone], ['stats', lone], ['check', lone],
      ['cat', dir], ['stats', dir],
    ];
    // The hostile value must reach the output (escaped), or the test would prove nothing.
    const reached = new Set<string>();
    for (const args of runs) {
      const r = await rtev(args, { tty, env: tty ? {} : { NO_COLOR: '1' }, columns: 100 });
      if (/\\(x1b|u001b)\]52/.test(r.stdout)) reached.add(args[0] === 'tail' || args[0] === 'cat' ? `${args[0]} ${args.includes('--json') ? '--json' : ''}`.trim() : args[0]!);
      if (!tty && VERBATIM(args)) {
        found.push(...problems(`${args.join(' ')} stderr`, r.err));
        continue;
      }
      found.push(...(await expectClean(JSON.stringify(args), r)));
    }
    expect(found).toEqual([]);
    for (const c of ['cat', 'cat --json', 'filter', 'stats', 'transcript', 'check', 'turns', 'session', 'diff', 'tail', 'show']) expect(reached, c).toContain(c);
  }, 120_000);

  it.each([['terminal', true], ['pipe', false]] as const)('usage errors and source errors on a %s', async (_, tty) => {
    const found: string[] = [];
    for (const args of USAGE) {
      const r = await rtev(args, { tty });
      found.push(...(!tty && VERBATIM(args) ? problems(`${args.join(' ')} stderr`, r.err) : await expectClean(JSON.stringify(args), r)));
    }
    expect(found).toEqual([]);
  }, 60_000);
});

describe('terminal safety: live paths', () => {
  const servers: (TestServer | Server)[] = [];
  afterAll(async () => {
    for (const s of servers) await ('stop' in s ? s.stop() : new Promise<void>((r) => s.close(() => r())));
  });
  const frames = () => [...conversation(), ...catalogueCapture('realtime')].map((l) => {
    try {
      const v = JSON.parse(l);
      return v.event ? JSON.stringify(v.event) : v.text ?? l;
    } catch {
      return l;
    }
  });

  it('tail of a live session: hostile frames, and a close reason with escapes', async () => {
    // A close reason is at most 123 bytes.
    const srv = await startServer({ frames: frames(), close: { code: 4000, reason: H.slice(0, 40) } });
    servers.push(srv);
    for (const tty of [true, false]) {
      for (const extra of [[], ['--all'], ['--json']]) {
        const r = await rtev(['tail', '--no-record', ...extra, srv.url], { tty });
        expect(r.stderr).toMatch(/closed the connection with 4000/);
        const found = tty || !extra.includes('--json') ? await expectClean(`tail ${extra}`, r) : problems('tail --json stderr', r.err);
        expect(found).toEqual([]);
      }
    }
  });

  it('a failed upgrade whose HTTP status line carries escapes', async () => {
    const srv = createServer((s) => s.once('data', () => s.end(`HTTP/1.1 401 Un${H.replace(/[\r\n\u0000]/g, '')}auth\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`, 'latin1')));
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    const r = await rtev(['tail', '--no-record', `ws://127.0.0.1:${port}/v1/realtime`], { tty: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/HTTP 401/);
    expect(problems('upgrade stderr', r.err)).toEqual([]);
  });

  it('replay shows what clients send, escaped', async () => {
    const capture = file('replay.jsonl', conversation());
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const outChunks: Buffer[] = [];
    const errChunks: Buffer[] = [];
    stdout.on('data', (c) => outChunks.push(c));
    stderr.on('data', (c) => errChunks.push(c));
    let stop: ((s: 'SIGINT' | 'SIGTERM') => void) | null = null;
    const running = main(['replay', '--speed', 'max', capture], {
      stdout, stderr, stdin: new PassThrough(), env: {}, stdoutIsTTY: true, stderrIsTTY: false, columns: 100, onSignal: (h) => { stop = h; },
    });
    let url = '';
    for (let i = 0; i < 200 && !url; i++) {
      await new Promise((r) => setTimeout(r, 20));
      url = /(ws:\/\/127\.0\.0\.1:\d+\S*)/.exec(Buffer.concat(errChunks).toString())?.[1] ?? '';
    }
    const ws = new WebSocket(url);
    await new Promise((r) => ws.once('open', r));
    const sent = conversation().filter((l) => l.includes('"dir":"client"')).map((l) => JSON.stringify(JSON.parse(l).event));
    for (const t of [...sent, ...sent.slice(3), JSON.stringify({ type: H, [HK]: H }), `{"type":"${H.replace(/"/g, '')}`]) ws.send(t);
    ws.send(Buffer.from(H));
    await new Promise((r) => setTimeout(r, 300));
    ws.close();
    stop!('SIGINT');
    expect(await running).toBe(130);
    const shown = Buffer.concat(outChunks);
    expect(shown.toString().replace(/\x1b\[[0-9;]*m/g, '')).toContain('↑ input_audio_buffer.append');
    expect([...problems('replay stdout', shown), ...problems('replay stderr', Buffer.concat(errChunks))]).toEqual([]);
  });

  it('the proxy display of a connection', async () => {
    for (const tty of [true, false]) {
      const stdout = new PassThrough();
      const chunks: Buffer[] = [];
      stdout.on('data', (c) => chunks.push(c));
      const o = new Output(stdout);
      const said: string[] = [];
      const view = new ConnectionView(1, null, () => true, {
        json: false, palette: makePalette(tty ? 1 : 0), time: 'abs', wide: false, width: 100, all: false, tty, keep: () => true, out: o, stdout, say: (l) => said.push(l),
      });
      for (const l of [...conversation(), ...catalogueCapture('realtime')]) view.show(Buffer.from(l));
      view.end();
      await o.flush();
      expect(problems(`proxy view tty=${tty}`, Buffer.concat(chunks))).toEqual([]);
      expect(Buffer.concat(chunks).toString()).toContain('[1] ');
    }
  });
});
