// How rtev shows things (#13): runs of deltas collapse (driven by the catalogue's `stream` attribute), time
// never goes back, --time rel counts from the capture's start, the type column is fixed, key facts come first.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueOf, PROTOCOLS, type Variant } from '../src/events/catalogue.js';
import { cutMiddle } from '../src/format/pretty.js';
import { PassThrough } from 'node:stream';
import { WebSocket } from 'ws';
import { main } from '../src/cli.js';
import { fixture, ROOT, rtev, rtevProcess } from './helpers.js';

const SAMPLE = `${ROOT}recordings/sample.jsonl`;
const rec = (ms: number, dir: string, event: object) => JSON.stringify({ ts: new Date(Date.UTC(2026, 10, 25, 12, 0, 0) + ms).toISOString(), dir, event });
const lines = (s: string) => s.split('\n').filter(Boolean);
const b64 = (bytes: number) => Buffer.alloc(bytes).toString('base64');

/** A delta of a streaming variant, with the fields its protocol gives (Realtime's ids). */
function delta(v: Variant, item: string, text: string): object {
  const e: Record<string, unknown> = { type: v.type, event_id: 'e' };
  if (v.stream!.by === 'item_id') Object.assign(e, { response_id: 'resp_1', item_id: item, output_index: 0, content_index: 0, call_id: 'call_1' });
  if (v.stream!.kind === 'audio') e[v.required.audio ? 'audio' : 'delta'] = b64(4800);
  else e.delta = text;
  return e;
}

const STREAMS = PROTOCOLS.flatMap((p) => catalogueOf(p).variants.filter((v) => v.stream !== null));

describe('runs of deltas, from the catalogue', () => {
  it('marks the deltas the issue names, in each protocol', () => {
    const names = (p: string) => STREAMS.filter((v) => v.protocol === p).map((v) => `${v.dir} ${v.type} ${v.stream!.kind}`).sort();
    expect(names('realtime')).toEqual([
      'client input_audio_buffer.append audio',
      'server conversation.item.input_audio_transcription.delta text',
      'server response.function_call_arguments.delta text',
      'server response.mcp_call_arguments.delta text',
      'server response.output_audio.delta audio',
      'server response.output_audio_transcript.delta text',
      'server response.output_text.delta text',
    ]);
    expect(names('live')).toEqual([
      'client session.input_audio.append audio',
      'server session.input_audio.append audio',
      'server session.input_transcript.delta text',
      'server session.output_audio.delta audio',
      'server session.output_transcript.delta text',
    ]);
    expect(names('translation')).toEqual([
      'client session.input_audio_buffer.append audio',
      'server session.input_transcript.delta text',
      'server session.output_audio.delta audio',
      'server session.output_transcript.delta text',
    ]);
  });

  it.each(STREAMS.map((v) => [`${v.protocol} ${v.dir} ${v.type}`, v] as const))('collapses a run of %s into one line; --all shows each', async (_, v) => {
    const words = ['Hello', ' there,', ' how', ' are', ' you?'];
    const capture = [
      ...words.map((w, i) => rec(1000 + i * 100, v.dir, delta(v, 'item_a', w))),
      rec(2000, 'server', { type: 'error', event_id: 'x', error: { type: 'server_error', message: 'end of run' } }),
    ].join('\n');
    const r = await rtev(['cat', '--protocol', v.protocol, '--time', 'rel'], { stdin: capture });
    const out = lines(r.stdout);
    expect(out, r.stdout).toHaveLength(2);
    const what = v.stream!.kind === 'audio' ? '0.50 s audio, 24.0 KB (0.00–0.40 s)' : '0.00–0.40 s: "Hello there, how are you?"';
    // The line carries the time of the last delta, and names the run's span from the capture's start.
    expect(out[0]).toMatch(new RegExp(`^ +\\+0\\.400 ${v.dir === 'client' ? '↑' : '↓'} ${cutMiddle(v.type, 40).replace(/[.]/g, '\\.')} .*×5, ${what.replace(/[.?()]/g, '\\$&')}$`));
    const all = await rtev(['cat', '--protocol', v.protocol, '--all'], { stdin: capture });
    expect(lines(all.stdout)).toHaveLength(6);
  });

  it('splits GPT-Live and Translation runs (no item to group them) where the stream pauses for over a second', async () => {
    const d = (text: string) => ({ type: 'session.output_transcript.delta', event_id: 'e', delta: text, elapsed_ms: 0 });
    const capture = [0, 300, 600, 2000, 2300].map((ms, i) => rec(ms, 'server', d(`w${i} `))).join('\n');
    const r = await rtev(['cat', '--protocol', 'translation', '--time', 'rel'], { stdin: capture });
    expect(lines(r.stdout)).toEqual([
      '    +0.600 ↓ session.output_transcript.delta          ×3, 0.00–0.60 s: "w0 w1 w2 "',
      '    +2.300 ↓ session.output_transcript.delta          ×2, 2.00–2.30 s: "w3 w4 "',
    ]);
  });

  it('keeps runs of different items apart, and the output never goes back in time', async () => {
    const audio = (item: string, ms: number) => ({ type: 'response.output_audio.delta', event_id: 'e', response_id: 'r', item_id: item, output_index: 0, content_index: 0, delta: b64(ms * 48) });
    const tr = (item: string, d: string) => ({ type: 'response.output_audio_transcript.delta', event_id: 'e', response_id: 'r', item_id: item, output_index: 0, content_index: 0, delta: d });
    const capture = [
      rec(0, 'server', audio('a', 100)), rec(100, 'server', tr('a', 'one')), rec(200, 'server', audio('a', 100)), rec(300, 'server', tr('a', ' two')),
      rec(400, 'server', audio('a', 100)), rec(500, 'server', audio('b', 100)), rec(600, 'server', tr('b', 'three')),
      rec(700, 'server', { type: 'response.output_audio.done', event_id: 'e', response_id: 'r', item_id: 'b', output_index: 0, content_index: 0 }),
    ].join('\n');
    const r = await rtev(['cat', '--time', 'rel'], { stdin: capture });
    expect(lines(r.stdout)).toEqual([
      '    +0.300 ↓ response.output_audio_transcript.delta   r a ×2, 0.10–0.30 s: "one two"',
      '    +0.400 ↓ response.output_audio.delta              r a ×3, 0.30 s audio, 14.4 KB (0.00–0.40 s)',
      '    +0.500 ↓ response.output_audio.delta              r b 0.10 s audio, 4.8 KB',
      '    +0.600 ↓ response.output_audio_transcript.delta   r b "three"',
      '    +0.700 ↓ response.output_audio.done               r b',
    ]);
  });

  it('never goes back in time on the sample, and the real session shrinks to under half its lines', async () => {
    const r = await rtev(['cat', '--time', 'rel', SAMPLE]);
    const times = lines(r.stdout).map((l) => Number(/^ *\+([\d.]+) /.exec(l)![1]));
    for (let i = 1; i < times.length; i++) expect(times[i], lines(r.stdout)[i]).toBeGreaterThanOrEqual(times[i - 1]!);
    const real = await rtev(['cat', fixture('real-beta-webrtc-session.jsonl')]);
    expect(lines(real.stdout).length).toBeLessThan(1344 / 2);
    expect(real.stdout).toMatch(/↓ response\.audio_transcript\.delta +resp_\S+ item_\S+ ×\d+, #\d+–#\d+: "/);
  });

  it('collapses client appends in tail FILE as in cat', async () => {
    const r = await rtev(['tail', '-n', '20', SAMPLE, '--type', 'input_audio_buffer.*']);
    expect(r.stdout).toMatch(/↑ input_audio_buffer\.append +×\d+, [\d.]+ s audio, [\d.]+ KB \([\d.]+–[\d.]+ s\)/);
  });
});

describe("replay's view of what clients send", () => {
  it('collapses a run of appends into one line with seconds and bytes, printed when the run ends or goes quiet', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (c) => out.push(c));
    stderr.on('data', (c) => err.push(c));
    let stop: ((s: 'SIGINT' | 'SIGTERM') => void) | null = null;
    const running = main(['replay', '--speed', 'max', SAMPLE], {
      stdout, stderr, stdin: new PassThrough(), env: {}, stdoutIsTTY: false, stderrIsTTY: false, columns: 120, onSignal: (h) => { stop = h; },
    });
    let url = '';
    for (let i = 0; i < 200 && !url; i++) {
      await new Promise((r) => setTimeout(r, 20));
      url = /(ws:\/\/127\.0\.0\.1:\d+\S*)/.exec(Buffer.concat(err).toString())?.[1] ?? '';
    }
    const ws = new WebSocket(url);
    await new Promise((r) => ws.once('open', r));
    for (let i = 0; i < 10; i++) ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: b64(4800) }));
    ws.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
    for (let i = 0; i < 3; i++) ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: b64(2400) }));
    // A run still open when the client goes quiet is printed after a second.
    for (let i = 0; i < 100 && !Buffer.concat(out).toString().includes('×3'); i++) await new Promise((r) => setTimeout(r, 30));
    ws.close();
    stop!('SIGINT');
    await running;
    const shown = lines(Buffer.concat(out).toString()).map((l) => l.slice(13));
    expect(shown).toEqual([
      expect.stringMatching(/^↑ input_audio_buffer\.append +×10, 1\.00 s audio, 48\.0 KB \([\d.]+–[\d.]+ s\)$/),
      expect.stringMatching(/^↑ input_audio_buffer\.commit$/),
      expect.stringMatching(/^↑ input_audio_buffer\.append +×3, 0\.15 s audio, 7\.2 KB \([\d.]+–[\d.]+ s\)$/),
    ]);
  });
});

describe('time, width, key facts', () => {
  it('--time rel counts from the first event of the capture, with a filter on too (as transcript does)', async () => {
    const r = await rtev(['cat', '--time', 'rel', '--type', 'response.done', SAMPLE]);
    const first = lines(r.stdout)[0]!;
    expect(first).toMatch(/^ +\+5\.\d{3} ↓ response\.done/);
    // tail FILE too: from the file's first event, not the first of its last lines.
    const t = await rtev(['tail', '-n', '1', '--time', 'rel', SAMPLE]);
    expect(t.stdout).toMatch(/^ +\+58\.\d{3} ↓ rate_limits\.updated/);
  });

  it('tail FILE numbers frames by their place in the file, as cat and show do, not among the last N', async () => {
    const t = await rtev(['tail', '-n', '2', '--json', SAMPLE]);
    expect(lines(t.stdout).map((l) => JSON.parse(l).seq)).toEqual([767, 768]);
    // A capture without times shows the number in the time column.
    const c = await rtev(['tail', '-n', '2', fixture('spec-ga-server-events.jsonl')]);
    expect(lines(c.stdout).map((l) => l.split(' ')[0])).toEqual(['#45', '#46']);
  });

  it('gives the type column a fixed width, cutting longer names in the middle (--wide keeps them)', async () => {
    const r = await rtev(['cat', '--time', 'none', fixture('spec-ga-server-events.jsonl')]);
    const cols = lines(r.stdout).filter((l) => / \S/.test(l.slice(2 + 40))).map((l) => l.slice(2 + 40, 2 + 41));
    expect(new Set(cols)).toEqual(new Set([' ']));
    expect(r.stdout).toContain('↓ conversation.item.in…transcription.delta ');
    const narrow = await rtev(['cat', '--time', 'none', fixture('spec-ga-server-events.jsonl')], { columns: 80 });
    expect(narrow.stdout).toContain(`↓ ${cutMiddle('conversation.item.input_audio_transcription.delta', 30)} `);
    const wide = await rtev(['cat', '--wide', '--time', 'none', fixture('spec-ga-server-events.jsonl')]);
    expect(wide.stdout).toContain('↓ conversation.item.input_audio_transcription.delta ');
    expect(cutMiddle('conversation.item.input_audio_transcription.delta', 40)).toHaveLength(40);
  });

  it('puts status, reason and tokens before a long message, so a narrow line cuts the message', async () => {
    const done = { type: 'response.done', event_id: 'e', response: { id: 'resp_1', status: 'failed', status_details: { type: 'failed', error: { type: 'server_error', code: 'rate_limit_exceeded', message: 'x'.repeat(300) } }, usage: { input_tokens: 12, output_tokens: 3 } } };
    const err = { type: 'error', event_id: 'e', error: { type: 'invalid_request_error', code: 'bad', param: 'session.voice', message: 'y'.repeat(300) } };
    const r = await rtev(['cat', '--time', 'none'], { stdin: `${JSON.stringify(done)}\n${JSON.stringify(err)}\n`, columns: 110 });
    const [a, b] = lines(r.stdout);
    expect(a).toMatch(/resp_1 failed rate_limit_exceeded · in 12 · out 3 tokens · x+…$/);
    expect(b).toMatch(/invalid_request_error bad \(param session\.voice\): y+…$/);
    expect(a!.length).toBeLessThanOrEqual(110);
  });
});

describe('rtev show', () => {
  it('prints frames by seq as indented JSON, with audio summed up unless --full', async () => {
    const r = await rtev(['show', SAMPLE, '4-5']);
    expect(r.code).toBe(0);
    const docs = r.stdout.split(/\n(?=\{)/).map((d) => JSON.parse(d));
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({ type: 'input_audio_buffer.append', audio: '<4,800 bytes, 0.10 s of audio>' });
    expect(r.stdout).toMatch(/^\{\n {2}"type": "input_audio_buffer\.append",\n/);
    const seq = JSON.parse(lines((await rtev(['cat', '--json', SAMPLE])).stdout)[3]!).seq;
    expect(seq).toBe(4);
    const full = await rtev(['show', '--full', SAMPLE, '4']);
    expect(JSON.parse(full.stdout).audio).toMatch(/^[A-Za-z0-9+/]{6000,}={0,2}$/);
    const delta = await rtev(['show', SAMPLE, '3,111']);
    expect(delta.stdout.split(/\n(?=\{)/).map((d) => JSON.parse(d).type)).toEqual(['session.updated', 'response.done']);
  });

  it('on a terminal: a line naming each frame, and colour', async () => {
    const r = await rtev(['show', SAMPLE, '1-2'], { tty: true });
    const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/^#1 {2}2026-11-25T12:00:00\.031Z {2}↓ server {2}session\.created\n\{/);
    expect(plain).toMatch(/\n\n#2 {2}2026-11-25T12:00:00\.043Z {2}↑ client {2}session\.update\n\{/);
    expect(r.stdout).toMatch(/\x1b\[34m"type"\x1b\[39m: \x1b\[32m"session\.created"\x1b\[39m/);
  });

  it('names what is wrong: a bad range (exit 2), frames past the end (exit 1)', async () => {
    const bad = await rtev(['show', SAMPLE, '3-x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^rtev: show: "3-x" is not a frame number or range/);
    const past = await rtev(['show', SAMPLE, '9000']);
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/has 768 frames: no frame 9000/);
  });
});

describe('options, errors, help', () => {
  it('cat on a terminal with nothing piped says it reads stdin, and how to give a file', async () => {
    const r = await rtev(['cat'], { stdinTty: true });
    expect(r.stderr).toMatch(/^rtev: reading events from standard input \(paste JSON lines, end with Ctrl-D\); to read a capture, give its path: rtev cat recordings\/sample\.jsonl\n/);
    expect((await rtev(['cat'], { stdin: '' })).stderr).toBe('');
  });

  it('filter --time, --all, --wide without --pretty are usage errors that say why', async () => {
    for (const flag of [['--time', 'rel'], ['--all'], ['--wide']]) {
      const r = await rtev(['filter', ...flag, SAMPLE]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`rtev: option '${flag[0]}' applies to --pretty output only: without it, filter writes the selected lines unchanged (rtev --help for usage)\n`);
    }
    expect((await rtev(['filter', '--pretty', '--all', '--time', 'rel', SAMPLE])).code).toBe(0);
  });

  it("check writes its findings first and its summary last, in protocol errors", async () => {
    const r = await rtevProcess(['check', fixture('spec-beta-server-events.jsonl')], { shell: '2>&1' });
    const out = lines(r.stdout);
    expect(out.length).toBeGreaterThan(2);
    expect(out.at(-1)).toMatch(/^rtev check: \d+ protocol errors?, \d+ warnings?/);
    expect(out.slice(0, -1).every((l) => !l.startsWith('rtev check:'))).toBe(true);
  });

  it('help: the footer only in rtev --help, own options first, required ones marked, no install path', async () => {
    const top = await rtev(['--help']);
    expect(top.stdout).toMatch(/Exit codes:/);
    expect(top.stdout).toMatch(/Environment:/);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z]+) \[options\]/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['cat', 'show', 'demo', 'audio', 'proxy']));
    for (const c of commands) {
      const h = (await rtev([c, '--help'])).stdout;
      expect(h, c).not.toMatch(/Exit codes:|Environment:/);
      expect(h, c).not.toContain(ROOT);
      expect(h, c).not.toMatch(/\/(work|home|usr|tmp)\//);
      // Every option says what it does: more than a word or two.
      for (const m of h.matchAll(/^ {2}(-[^\n]*?) {2,}(\S[^\n]*)$/gm)) expect(m[2]!.split(' ').length, `${c} ${m[1]}`).toBeGreaterThan(3);
      // Its own options come before the shared groups.
      const own = h.indexOf('\nOptions:');
      if (h.includes('Filter options:')) expect(own, c).toBeLessThan(h.indexOf('Filter options:'));
    }
    expect((await rtev(['audio', '--help'])).stdout).toMatch(/-o, --output <dir> +the folder to write the WAV files to \(required\)/);
    expect((await rtev(['transcript', '--help'])).stdout).toMatch(/--markdown +write Markdown: a heading per turn/);
    expect((await rtev(['demo', '--help'])).stdout).toMatch(/default: the bundled sample,\s+recordings\/sample\.jsonl/);
  });
});

describe('rtev demo', () => {
  it('shows both directions in the recording\'s order, then the stats headline and three commands to try', async () => {
    const r = await rtevProcess(['demo', '--speed', 'max'], { env: { OPENAI_API_KEY: '' } });
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out.filter((l) => / ↑ /.test(l)).length).toBeGreaterThan(10);
    // In lockstep: the client's session.update comes before the server's session.updated, as recorded.
    expect(out.findIndex((l) => l.includes('↑ session.update '))).toBeLessThan(out.findIndex((l) => l.includes('↓ session.updated ')));
    expect(r.stdout).toMatch(/↑ input_audio_buffer\.append +×\d+, [\d.]+ s audio, [\d.]+ KB \([\d.]+–[\d.]+ s\)/);
    expect(r.stdout).toMatch(/↑ conversation\.item\.create +call_\S+ function_call_output/);
    const tail = out.slice(-9);
    expect(tail[0]).toMatch(/^responses +8: 7 completed, 1 cancelled/);
    expect(tail[4]).toMatch(/^errors +none/);
    expect(tail[5]).toBe('Try next:');
    expect(tail.slice(6).map((l) => l.trim().split(/ {2,}/)[0])).toEqual([
      'rtev transcript recordings/sample.jsonl', 'rtev turns recordings/sample.jsonl', 'rtev show recordings/sample.jsonl 111',
    ]);
    // Each suggested command runs.
    expect((await rtev(['show', SAMPLE, '111'])).stdout).toMatch(/"type": "response\.done"/);
  });

  it('the sample is a scripted conversation under 5 MB', () => {
    expect(readFileSync(SAMPLE).length).toBeLessThan(5e6);
  });
});
