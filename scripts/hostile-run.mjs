#!/usr/bin/env node
// The hostile run (#12): spawns the built CLI (bin/rtev) once per case, under `nice -n 19`, one at a time, and
// prints what broke: crashes, raw escapes on a terminal or a pipe, leaked secret forms, inputs lost whole,
// resource traps with their measured bounds, and usage errors that are not one line with exit 2.
// Run: npm run build && node scripts/hostile-run.mjs [--quick] [--verbose] [--keep] [--only=corpus,positions,secrets,live,traps,usage]. Needs `script` (util-linux), Linux /proc.
// Only loopback sockets; every input is small (a few MB at most): traps are shown bounded by time and size.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createNet } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'rtev');
const QUICK = process.argv.includes('--quick');
const VERBOSE = process.argv.includes('--verbose');
const { catalogueOf, PROTOCOLS } = await import(join(ROOT, 'dist', 'events', 'catalogue.js'));
const T = mkdtempSync(join(tmpdir(), 'rtev-hostile-'));
const started = Date.now();

// ---------------------------------------------------------------------------------------------------------
// What we look for
/** OSC 52 (a clipboard write), a screen clear, BEL, CSI as C1, bidi overrides and isolates, zero-width, DEL, NUL, CR, LS, NEL, ALM, BOM. */
const H = 'a\u001b]52;c;aGk=\u0007\u001b[2J\u009b31m\u202e\u2066\u200b\u200f\u007f\u0000\r\u2028\u0085\u061c\ufeffz';
const HN = H.replace(/\u0000/g, ''); // for argv and file names
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;
const decoder = new TextDecoder('utf-8', { fatal: true });
/** A distinctive fake key; its tail is what we hunt for in every form. */
const KEY_TAIL = 'HOSTILEq7Zx9Kw3Vb';
const KEY = `sk-proj-${KEY_TAIL}`;

const tally = { invocations: 0, crashes: [], escapes: [], leaks: [], lost: [], overRead: [], usage: [], traps: [], other: [] };
const section = {};
let current = '';

function escapeProblem(bytes, tty) {
  let text;
  try {
    text = decoder.decode(bytes);
  } catch {
    return 'not valid UTF-8';
  }
  // Our own colours (SGR), the live line's \r\x1b[K, and on a pty the \r\n the terminal driver makes of \n.
  const ours = text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\r\x1b\[K/g, '').replace(/\x1b\[K/g, '');
  const clean = tty ? ours.replace(/\r\n/g, '\n') : ours;
  const m = UNSAFE.exec(clean.replace(/\t/g, ' '));
  return m ? `raw U+${m[0].codePointAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(clean.slice(Math.max(0, m.index - 40), m.index + 10))}` : null;
}

/** Every form in which the key could show: literal, JSON-escaped, percent-encoded, base64 (of itself or of user:key). */
function leaked(text) {
  if (!text) return null;
  const forms = [];
  const s = typeof text === 'string' ? text : text.toString('latin1');
  if (s.includes(KEY_TAIL)) forms.push('literal');
  const unjson = s.replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/\\\//g, '/');
  if (!forms.length && unjson.includes(KEY_TAIL)) forms.push('JSON-escaped');
  let unpct = unjson;
  try { unpct = unjson.replace(/(%[0-9a-fA-F]{2})+/g, (m) => { try { return decodeURIComponent(m); } catch { return m; } }); } catch {}
  if (!forms.length && unpct.includes(KEY_TAIL)) forms.push('percent-encoded');
  for (const b64 of s.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
    for (const shift of [0, 1, 2, 3]) {
      const dec = Buffer.from(b64.slice(shift), 'base64').toString('latin1');
      if (leaked(dec)) { forms.push('base64'); break; }
    }
    if (forms.includes('base64')) break;
  }
  return forms.length ? forms.join('+') : null;
}

// ---------------------------------------------------------------------------------------------------------
// Running the CLI
const sh = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const ENV = { PATH: process.env.PATH ?? '', TZ: 'UTC', HOME: T, LANG: 'C.UTF-8' };

/**
 * One invocation. `tty`: stdout on a pseudo-terminal (script -qec), stderr in a file; `shell`: a bash command
 * line with RTEV standing for the CLI; `verbatim`: the command writes capture bytes unchanged into a pipe, so
 * its stdout is exempt from the escape check there (it is byte for byte by design).
 */
async function run(args, o = {}) {
  tally.invocations++;
  section[current] = (section[current] ?? 0) + 1;
  const env = { ...ENV, ...(o.env ?? {}) };
  const rtevCmd = `nice -n 19 ${process.execPath} ${sh(BIN)}`;
  const errFile = join(T, 'stderr.txt');
  let child;
  if (o.tty) {
    const cmd = `stty cols ${o.columns ?? 100} 2>/dev/null; ${rtevCmd} ${args.map(sh).join(' ')} 2>${sh(errFile)}`;
    child = spawn('script', ['-qec', cmd, '/dev/null'], { env, cwd: o.cwd ?? T, stdio: ['ignore', 'pipe', 'pipe'] });
  } else if (o.shell) {
    child = spawn('bash', ['--noprofile', '--norc', '-c', o.shell.replaceAll('RTEV', rtevCmd)], { env, cwd: o.cwd ?? T, stdio: ['pipe', 'pipe', 'pipe'] });
  } else {
    child = spawn('nice', ['-n', '19', process.execPath, BIN, ...args], { env, cwd: o.cwd ?? T, stdio: ['pipe', o.noRead ? 'pipe' : 'pipe', 'pipe'] });
  }
  const out = [];
  const err = [];
  if (!o.noRead) child.stdout.on('data', (c) => out.push(c));
  child.stderr.on('data', (c) => err.push(c));
  if (child.stdin) {
    child.stdin.on('error', () => {});
    child.stdin.end(o.stdin ?? '');
  }
  const t0 = process.hrtime.bigint();
  let rssMB = 0;
  const poll = o.rss ? setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) rssMB = Math.max(rssMB, Number(m[1]) / 1024);
    } catch {}
  }, 100) : null;
  let killedAt = null;
  const limit = setTimeout(() => { killedAt = Date.now(); child.kill('SIGKILL'); }, o.timeoutMs ?? 60_000);
  if (o.during) o.during(child);
  const code = await new Promise((r) => child.on('close', (c, sig) => r(c ?? (sig ? `signal ${sig}` : -1))));
  clearTimeout(limit);
  if (poll) clearInterval(poll);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const stdout = Buffer.concat(out);
  const stderr = o.tty ? (existsSync(errFile) ? readFileSync(errFile) : Buffer.alloc(0)) : Buffer.concat(err);
  if (o.tty) rmSync(errFile, { force: true });
  const r = { code, stdout, stderr, out: stdout.toString('utf8'), err: stderr.toString('utf8'), secs, rssMB, hung: killedAt !== null };
  judge(args, o, r);
  return r;
}

function judge(args, o, r) {
  const label = `${current}: ${o.label ?? (o.shell ? o.shell.replace(/nice -n 19 \S+ \S+/g, 'rtev') : `rtev ${args.join(' ')}`)}${o.tty ? ' [tty]' : ''}`.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, 220);
  const okCodes = o.codes ?? [0, 1, 2, 130];
  const trace = /internal error|^\s+at .+:\d+:\d+\)?$|RangeError|TypeError|ReferenceError|MaxListenersExceededWarning|\(node:\d+\) .*Warning/m.exec(r.err);
  if (r.hung) tally.crashes.push(`${label}: killed after ${o.timeoutMs ?? 60000} ms (hung)`);
  else if (!okCodes.includes(r.code) || trace) tally.crashes.push(`${label}: exit ${r.code}${trace ? `, stderr: ${JSON.stringify(r.err.slice(Math.max(0, trace.index - 80), trace.index + 160))}` : ''}`);
  const e1 = escapeProblem(r.stderr, false);
  if (e1) tally.escapes.push(`${label} stderr: ${e1}`);
  if (o.tty || !o.verbatim) {
    const e2 = escapeProblem(r.stdout, !!o.tty);
    if (e2) tally.escapes.push(`${label} stdout: ${e2}`);
  }
  for (const [where, text] of [['stdout', r.stdout], ['stderr', r.stderr], ...(o.files ?? []).flatMap((f) => filesUnder(f))]) {
    const form = leaked(text);
    if (form) tally.leaks.push(`${label}: the key in ${where} (${form})`);
  }
  if (VERBOSE) console.log(`${r.code}\t${r.secs.toFixed(2)}s\t${label}`);
}

function filesUnder(p) {
  if (!existsSync(p)) return [];
  const st = statSync(p);
  if (st.isFile()) return [[p, readFileSync(p)]];
  if (st.isDirectory()) return readdirSync(p).flatMap((n) => filesUnder(join(p, n)));
  return [];
}

const file = (name, content) => {
  const p = join(T, name);
  writeFileSync(p, content);
  return p;
};
const counter = (r) => Number(/^(\d+)/.exec(r.out.trim())?.[1] ?? NaN);

// ---------------------------------------------------------------------------------------------------------
// Events
const ts = (i) => new Date(Date.UTC(2026, 10, 25, 12, 0, 0, i * 37)).toISOString();
const rec = (i, dir, event) => JSON.stringify({ ts: ts(i), dir, event });
const goodEvents = (n, start = 0) => Array.from({ length: n }, (_, i) => (i % 3 === 0
  ? rec(start + i, 'server', { type: 'response.output_text.delta', event_id: `e${start + i}`, response_id: 'r1', item_id: 'i1', output_index: 0, content_index: 0, delta: `w${i} ` })
  : i % 3 === 1 ? JSON.stringify({ type: 'rate_limits.updated', event_id: `b${start + i}`, rate_limits: [] })
    : rec(start + i, 'client', { type: 'response.create', event_id: `c${start + i}` })));

/**
 * The conversation of test/hostile.test.ts, with the hostile value only in the places whose number ≡ `group`
 * (mod `groups`): each position gets its own run, so a hostile value early cannot hide one further on.
 */
function conversation(group, groups) {
  let n = 0;
  const h = (benign) => ((n++ % groups) === group ? H : benign);
  const hk = () => ((n++ % groups) === group ? `k${H}` : 'k');
  const r = (id, status, extra = {}) => ({ id, object: 'realtime.response', status, ...extra });
  const b64 = (k) => Buffer.alloc(k).toString('base64');
  const events = [
    ['server', { type: 'session.created', event_id: 'e1', session: { type: 'realtime', model: h('gpt-realtime'), instructions: h('Be brief.'), audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: h('server_vad'), threshold: h(0.5), silence_duration_ms: h(500) }, transcription: { model: h('whisper-1') } }, output: { voice: h('alloy') } }, tools: [{ type: 'function', name: h('lookup') }] } }],
    ['client', { type: 'session.update', event_id: h('c0'), session: { type: 'realtime', instructions: h('Be kind.'), audio: { output: { voice: h('verse') } }, [hk()]: h('v') } }],
    ['server', { type: 'session.updated', event_id: 'e2', session: { type: 'realtime', model: h('gpt-realtime'), instructions: h('Be kind.'), audio: { output: { voice: 'x' } } } }],
    ['server', { type: 'error', event_id: 'e3', error: { type: h('invalid_request_error'), code: h('bad'), message: h('bad thing'), param: h('p'), event_id: h('c0') } }],
    ['client', { type: 'input_audio_buffer.append', audio: b64(4800) }],
    ['server', { type: 'input_audio_buffer.speech_started', event_id: 'e4', item_id: h('u1'), audio_start_ms: h(100) }],
    ['server', { type: 'input_audio_buffer.speech_stopped', event_id: 'e5', item_id: 'u1', audio_end_ms: h(900) }],
    ['server', { type: 'input_audio_buffer.committed', event_id: 'e6', item_id: 'u1' }],
    ['server', { type: 'conversation.item.added', event_id: 'e7', item: { id: 'u1', type: 'message', role: h('user'), status: h('completed'), content: [{ type: 'input_audio', transcript: null }] } }],
    ['server', { type: 'conversation.item.input_audio_transcription.delta', event_id: 'e8', item_id: 'u1', content_index: 0, delta: h('hel') }],
    ['server', { type: 'conversation.item.input_audio_transcription.completed', event_id: 'e9', item_id: 'u1', content_index: 0, transcript: h('hello'), usage: { type: 'tokens', input_tokens: h(3), output_tokens: h(2), total_tokens: h(5) } }],
    ['server', { type: 'conversation.item.input_audio_transcription.segment', event_id: 'e10', item_id: 'u1', content_index: 0, text: h('hello'), id: h('s1'), speaker: h('A'), start: h(0.1), end: h(0.9) }],
    ['server', { type: 'response.created', event_id: 'e11', response: r(h('r1'), 'in_progress') }],
    ['server', { type: 'response.output_item.added', event_id: 'e12', response_id: 'r1', output_index: 0, item: { id: 'f1', type: 'function_call', status: 'in_progress', name: h('lookup'), call_id: 'c1', arguments: '' } }],
    ['server', { type: 'response.function_call_arguments.delta', event_id: 'e13', response_id: 'r1', item_id: 'f1', output_index: 0, call_id: 'c1', delta: h('{"q":') }],
    ['server', { type: 'response.function_call_arguments.done', event_id: 'e14', response_id: 'r1', item_id: 'f1', output_index: 0, call_id: 'c1', name: h('lookup'), arguments: h('{"q":1}') }],
    ['server', { type: 'response.output_item.done', event_id: 'e15', response_id: 'r1', output_index: 0, item: { id: 'f1', type: 'function_call', status: 'completed', name: h('lookup'), call_id: 'c1', arguments: h('{"q":1}') } }],
    ['server', { type: 'response.done', event_id: 'e16', response: r('r1', h('completed'), { status_details: { type: h('completed'), reason: h('none'), error: { type: h('x'), code: h('y') } }, usage: { total_tokens: h(10), input_tokens: h(4), output_tokens: h(6), input_token_details: { cached_tokens: h(1) } }, output: [{ id: 'f1', type: 'function_call', name: h('lookup'), call_id: 'c1', arguments: h('{}') }] }) }],
    ['client', { type: 'conversation.item.create', event_id: 'c2', item: { type: 'function_call_output', call_id: 'c1', output: h('42') } }],
    ['client', { type: 'response.create', event_id: 'c3', response: { [hk()]: h('v') } }],
    ['server', { type: 'response.created', event_id: 'e17', response: r('r2', 'in_progress') }],
    ['server', { type: 'response.output_audio_transcript.delta', event_id: 'e18', response_id: 'r2', item_id: 'a2', output_index: 0, content_index: 0, delta: h('Hi') }],
    ['server', { type: 'response.output_audio.delta', event_id: 'e19', response_id: 'r2', item_id: 'a2', output_index: 0, content_index: 0, delta: b64(9600) }],
    ['server', { type: 'response.output_text.delta', event_id: 'e20', response_id: 'r2', item_id: 'a2', output_index: 0, content_index: 0, delta: h('Hi') }],
    ['client', { type: 'conversation.item.truncate', event_id: 'c4', item_id: 'a2', content_index: h(0), audio_end_ms: h(50) }],
    ['server', { type: 'conversation.item.truncated', event_id: 'e21', item_id: 'a2', content_index: h(0), audio_end_ms: 50 }],
    ['server', { type: 'response.done', event_id: 'e22', response: r('r2', 'cancelled', { status_details: { type: 'cancelled', reason: h('turn_detected') }, usage: { total_tokens: 3, input_tokens: 1, output_tokens: 2 }, output: [{ id: 'a2', type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: h('Hi') }] }] }) }],
    ['server', { type: 'rate_limits.updated', event_id: 'e23', rate_limits: [{ name: h('requests'), remaining: h(5), limit: h(9), reset_seconds: h(1) }, { name: 'tokens', remaining: 5, limit: 9, reset_seconds: 1 }] }],
    ['client', { type: 'conversation.item.create', event_id: 'c5', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: h('hey') }] } }],
    ['client', { type: 'response.create', event_id: 'c6' }],
    ['server', { type: 'response.created', event_id: 'e24', response: r(h('r3'), 'in_progress') }],
    ['server', { type: 'response.done', event_id: 'e25', response: r('r3', 'failed', { status_details: { type: 'failed', error: { type: h('server_error'), code: h('oops'), message: h('failed') } } }) }],
    ['server', { type: 'response.created', event_id: 'e26', response: r('r4', 'in_progress') }],
    ['server', { type: 'response.done', event_id: 'e27', response: r('r4', 'incomplete', { status_details: { type: 'incomplete', reason: h('max_output_tokens') }, usage: { total_tokens: 1 } }) }],
    ['server', { type: h('response.created'), event_id: 'e28', response: r('r5', 'in_progress', { conversation_id: h('conv') }) }],
    ['server', { type: 'response.done', event_id: 'e29', response: r('r5', h('completed'), { status_details: { type: h('completed') } }) }],
  ];
  const lines = events.map(([dir, e], i) => JSON.stringify({ ts: h(ts(i)), dir: i === 3 ? h(dir) : dir, event: e }));
  // Frames that are not events, and lines that are not JSON (their parse errors quote the bytes).
  lines.push(JSON.stringify({ ts: ts(40), dir: 'server', text: h('plain text frame') }));
  lines.push(JSON.stringify({ ts: ts(41), dir: 'server', binary: Buffer.from(h('bytes')).toString('base64') }));
  lines.push(JSON.stringify({ direction: h('incoming'), event: JSON.stringify({ type: h('x.y'), [hk()]: h('v') }), timestamp: ts(42) }));
  lines.push(`{"type":"x","a":"${h('cut').replace(/"/g, '')}`);
  lines.push(`{"type":${h('tru')}}`);
  return { lines, positions: n };
}

/** Every variant of a protocol, typed and all-strings, as recording lines (the test's catalogue capture). */
function catalogueCapture(p) {
  const kind = (k, typed) => (k === 'string' ? H : k === 'integer' ? (typed ? 7 : H) : k === 'number' ? (typed ? 1.5 : H) : k === 'object' ? { id: H, type: H, status: H, name: H } : [{ type: H, text: H }, H]);
  const lines = [];
  catalogueOf(p).variants.forEach((v, i) => {
    for (const typed of [true, false]) {
      const e = { type: v.type };
      for (const [f, k] of Object.entries(v.required)) e[f] = kind(k, typed);
      for (const id of ['event_id', 'response_id', 'item_id', 'call_id']) e[id] ??= H;
      if (v.stream?.kind === 'audio') e[v.required.audio ? 'audio' : 'delta'] = typed ? Buffer.alloc(480).toString('base64') : H;
      lines.push(JSON.stringify({ ts: typed ? ts(i) : H, dir: typed ? v.dir : H, event: e }));
    }
  });
  return lines;
}

/** The reading commands, each a field-position consumer: 20 of them. */
function readers(src, other, out) {
  return [
    ['cat', src], ['cat', '--all', '--wide', '--time', 'rel', src], ['cat', '--json', src], ['cat', '--raw', src],
    ['filter', src], ['filter', '--pretty', '--all', src], ['filter', '--count', src], ['stats', src], ['stats', '--json', src],
    ['transcript', src], ['transcript', '--markdown', '--all', src], ['check', src], ['turns', src], ['session', src],
    ['diff', src, other], ['tail', '-n', '1000', src], ['show', src, '1-60'], ['audio', '--input', '--join', src, '-o', join(out, `a${Math.random()}`)],
    ['report', src, '-o', join(out, `r${Math.random()}.html`)], ['sql', 'select * from turns', src],
  ];
}
const verbatim = (a) => (a[0] === 'cat' && (a.includes('--raw') || a.includes('--json'))) || (a[0] === 'filter' && !a.includes('--pretty') && !a.includes('--count'))
  || (a[0] === 'tail' && a.includes('--json')) || (a[0] === 'sql' && a.includes('--csv'));

// ---------------------------------------------------------------------------------------------------------
// 1. The malformed corpus: every well-formed line must still be read
async function malformedCorpus() {
  current = 'malformed corpus';
  const good = goodEvents(6);
  const cases = [];
  const add = (name, content, truth, extra = {}) => cases.push({ name, content, truth, ...extra });
  const fragments = {
    'tru': '{"type":"x","v":tru}', 'nan': '{"type":"x","v":nan}', '1.2.3': '{"type":"x","v":1.2.3}', '--': '{"type":"x","v":--1}',
    '01': '{"type":"x","v":01}', '[1,,2]': '{"type":"x","v":[1,,2]}', '{"k"}': '{"type":"x","v":{"k"}}', '{1:2}': '{"type":"x","v":{1:2}}',
    'trailing comma': '{"type":"x",}', 'single quotes': "{'type':'x'}", 'bare word': 'hello', 'lone {': '{', 'lone }': '}',
    'unterminated string': '{"type":"x', 'control char in string': '{"type":"x\u0001"}', 'bad escape': '{"type":"\\q"}',
'NaN number': '{"type":"x","v":NaN}', 'Infinity': '{"type":"x","v":Infinity}',
    'hex number': '{"type":"x","v":0x1F}', '+1': '{"type":"x","v":+1}', '.5': '{"type":"x","v":.5}', '1.': '{"type":"x","v":1.}',
    '1e': '{"type":"x","v":1e}', 'two objects on a line': '{"type":"x"}{"type":"y"}', 'garbage after': '{"type":"x"} junk',
    'NUL bytes': '\u0000\u0000\u0000', 'invalid UTF-8': Buffer.from([0x7b, 0x22, 0x74, 0xff, 0xfe, 0x22, 0x7d]), '[]': '[]', '[1,2]': '[1,2]',
    'null': 'null', 'number': '42', 'string': '"response.done"', 'true': 'true', 'empty object': '{}', 'type not a string': '{"type":42}',
    'type null': '{"type":null}', 'event not an object': '{"ts":"x","dir":"server","event":5}', 'deep array 10k': '['.repeat(10000) + ']'.repeat(10000),
    'unclosed deep 10k': '{"a":'.repeat(10000), 'whitespace only': ' \t ', 'CR alone': '\r', 'huge garbage 1MB': 'x'.repeat(1 << 20),
    'huge string 2MB unterminated': `{"type":"x","s":"${'y'.repeat(2 << 20)}`,
  };
  // Well-formed lines that are events, in odd shapes: each must be counted.
  const validOdd = {
    'escaped key': '{"typ\\u0065":"response.done","event_id":"q"}', 'escaped type value': '{"type":"response\\u002edone"}',
    'unknown type nested 10k': JSON.stringify({ type: 'x.unknown' }).replace('}', `,"n":${'['.repeat(10000)}${']'.repeat(10000)}}`),
    'unknown type nested objects 10k': `{"type":"x.deep","n":${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}`,
    'constructor type': '{"type":"constructor"}', 'toString type': '{"type":"toString"}', '__proto__ type': '{"type":"__proto__","__proto__":{"type":"x"}}',
    'hasOwnProperty status': '{"type":"response.done","response":{"id":"r","status":"hasOwnProperty"}}', 'valueOf code': '{"type":"error","error":{"code":"valueOf","type":"constructor"}}',
    'big number': '{"type":"x.num","v":1e400}', 'unicode type': '{"type":"respons\u00e9.done"}', 'long unknown type 10k': `{"type":"${'t'.repeat(10000)}"}`,
    'lone surrogate escape': '{"type":"x.\\ud800x"}', 'duplicate keys': '{"type":"a.b","type":"c.d"}', 'BOM inside line': '{"type":"x.bom","v":"\ufeff"}', 'escaped slash': '{"type":"x\\/y"}',
  };
  const endings = QUICK ? [['LF', '\n']] : [['LF', '\n'], ['CRLF', '\r\n']];
  for (const [en, eol] of endings) {
    for (const [name, frag] of Object.entries(fragments)) {
      for (const where of QUICK ? ['middle'] : ['first', 'middle', 'last', 'last, no newline']) {
        const lines = where === 'first' ? [frag, ...good] : where === 'middle' ? [...good.slice(0, 3), frag, ...good.slice(3)] : [...good, frag];
        const parts = lines.map((l) => (Buffer.isBuffer(l) ? l : Buffer.from(l)));
        const content = Buffer.concat(parts.flatMap((p, i) => (i === parts.length - 1 && where === 'last, no newline' ? [p] : [p, Buffer.from(eol)])));
        // A blank line (spaces, a CR of CRLF) is skipped, not malformed.
        add(`${name} (${where}, ${en})`, content, good.length, { bad: !/^(whitespace only|CR alone)$/.test(name) });
      }
    }
    for (const [name, frag] of Object.entries(validOdd)) {
      for (const where of QUICK ? ['middle'] : ['first', 'middle', 'last']) {
        const lines = where === 'first' ? [frag, ...good] : where === 'middle' ? [...good.slice(0, 3), frag, ...good.slice(3)] : [...good, frag];
        add(`${name} (${where}, ${en})`, lines.join(eol) + eol, good.length + 1);
      }
    }
  }
  // Whole-document shapes (JSON arrays, concatenated pretty objects, BOM, truncation, HAR).
  const evs = good.map((l) => JSON.parse(l));
  add('BOM + JSONL', '\ufeff' + good.join('\n') + '\n', good.length);
  add('BOM + array', '\ufeff' + JSON.stringify(evs), good.length);
  add('BOM + pretty array', '\ufeff' + JSON.stringify(evs, null, 2), good.length);
  add('array', JSON.stringify(evs), good.length);
  add('concatenated pretty objects (jq .)', evs.map((e) => JSON.stringify(e, null, 2)).join('\n') + '\n', good.length);
  add('concatenated pretty objects, tabs', evs.map((e) => JSON.stringify(e, null, '\t')).join('\n') + '\n', good.length);
  // Not JSON Lines and not one JSON document: JSON.parse rejects it, so nothing is owed (jq reads it, rtev need not).
  add('concatenated compact objects on one line', evs.map((e) => JSON.stringify(e)).join(''), 0, { bad: true });
  for (const cut of [0.3, 0.6, 0.95]) {
    const whole = JSON.stringify(evs, null, 1);
    const text = whole.slice(0, Math.floor(whole.length * cut));
    const complete = evs.filter((_, i) => JSON.stringify(evs.slice(0, i + 1), null, 1).slice(0, -2).length <= text.length).length;
    add(`truncated array at ${cut * 100}%`, text, complete, { bad: true });
  }
  add('array with a bad element', `[${JSON.stringify(evs[0])},{"type":tru},${JSON.stringify(evs[1])}]`, 2, { bad: true });
  add('array of arrays then events', `[[1,2],${evs.map((e) => JSON.stringify(e)).join(',')}]`, good.length, { bad: true });
  const har = (msgs, first = 'log') => {
    const entry = { request: { url: 'wss://api.openai.com/v1/realtime' }, _webSocketMessages: msgs };
    const body = { entries: [entry] };
    return first === 'log' ? JSON.stringify({ log: body }) : JSON.stringify({ version: '1.2', log: body });
  };
  const msgs = evs.map((e, i) => ({ type: i % 2 ? 'send' : 'receive', time: 1764072000 + i, opcode: 1, data: JSON.stringify(e.event ?? e) }));
  add('HAR', har(msgs), good.length);
  add('HAR with a null message', har([...msgs.slice(0, 2), null, ...msgs.slice(2)]), good.length, { bad: true });
  add('HAR with time 1e20', har([...msgs.slice(0, 2), { ...msgs[2], time: 1e20 }, ...msgs.slice(3)]), good.length);
  add('HAR single line, first key not log', har(msgs, 'version'), good.length);
  add('HAR pretty, first key not log', JSON.stringify(JSON.parse(har(msgs, 'version')), null, 2), good.length);
  add('HAR message with numeric data', har([...msgs, { type: 'receive', time: 1, opcode: 1, data: 5 }]), good.length, { bad: true });
  add('HAR truncated', har(msgs).slice(0, -40), null, { bad: true, atLeast: good.length - 1 });
  add('first line []', '[]\n' + good.join('\n') + '\n', good.length, { bad: true });
  add('first line [1,2]', '[1,2]\n' + good.join('\n') + '\n', good.length, { bad: true });
  add('first line {', '{\n' + good.join('\n') + '\n', good.length, { bad: true });
  add('empty file', '', 0);
  add('blank lines only', '\n\n\n', 0);

  let n = 0;
  for (const c of cases) {
    const p = file(`corpus-${n++}.jsonl`, c.content);
    const r = await run(['filter', '--count', p], { label: `filter --count <${c.name}>` });
    const got = counter(r);
    const want = c.truth ?? c.atLeast;
    // A source of no events that rtev cannot read at all gets its error line and no count (exit 1): nothing lost.
    const noneToRead = want === 0 && Number.isNaN(got) && r.code === 1 && r.out === '';
    if (!(got >= want) && !noneToRead) tally.lost.push(`${c.name}: filter --count read ${Number.isNaN(got) ? 'nothing' : got} of ${want} well-formed events (exit ${r.code}: ${r.err.split('\n')[0].slice(0, 120)})`);
    else if (c.truth !== null && got > c.truth) tally.overRead.push(`${c.name}: filter --count read ${got}, only ${c.truth} are events`);
    if (!QUICK || n % 4 === 0) {
      const j = await run(['cat', '--json', p], { verbatim: true, label: `cat --json <${c.name}>` });
      const lines = j.out.split('\n').filter(Boolean);
      const bad = lines.filter((l) => { try { JSON.parse(l); return false; } catch { return true; } });
      if (bad.length) tally.overRead.push(`${c.name}: cat --json wrote ${bad.length} line(s) that are not JSON: ${JSON.stringify(bad[0].slice(0, 60))}`);
      if (lines.length < want) tally.lost.push(`${c.name}: cat --json wrote ${lines.length} of ${want}`);
      const s = await run(['cat', '--strict', p], { label: `cat --strict <${c.name}>` });
      if (c.bad && s.code !== 1) tally.overRead.push(`${c.name}: cat --strict exit ${s.code}, expected 1 (a malformed line)`);
      if (!c.bad && c.truth !== 0 && s.code !== 0) tally.other.push(`${c.name}: cat --strict exit ${s.code} on valid input: ${s.err.split('\n')[0].slice(0, 120)}`);
      if (c.bad && !/:\d+/.test(s.err)) tally.other.push(`${c.name}: the malformed line is not named FILE:LINE: ${JSON.stringify(s.err.slice(0, 120))}`);
    }
    if (/escaped key|escaped type/.test(c.name)) {
      const r2 = await run(['filter', '--type', 'response.done', '--count', p], { label: `filter --type response.done <${c.name}>` });
      if (counter(r2) !== 1) tally.lost.push(`${c.name}: --type response.done counted ${r2.out.trim()}, expected 1`);
    }
    if (/constructor|toString|__proto__|hasOwnProperty|valueOf/.test(c.name)) {
      const r2 = await run(['stats', '--json', p], { label: `stats --json <${c.name}>` });
      try { JSON.parse(r2.out); } catch { tally.other.push(`${c.name}: stats --json is not JSON (exit ${r2.code})`); }
      const t = /type":"(\w+)"/.exec(c.content.toString().split('\n').find((l) => /constructor|toString|__proto__/.test(l)) ?? '')?.[1];
      if (t && /^(constructor|toString|__proto__)$/.test(t)) {
        const r3 = await run(['filter', '--type', t, '--count', p], { label: `filter --type ${t} <${c.name}>` });
        if (counter(r3) !== 1) tally.lost.push(`${c.name}: --type ${t} counted ${r3.out.trim()}, expected 1`);
      }
    }
    if (/nested|deep/.test(c.name) && (!QUICK || c.name.includes('middle'))) {
      for (const a of [['cat'], ['filter', '--pretty'], ['tail'], ['show', '--full'], ['stats'], ['check'], ['transcript'], ['turns']]) {
        const args = a[0] === 'show' ? [...a, p, '4'] : [...a, p];
        await run(args, { label: `${a.join(' ')} <${c.name}>` });
      }
    }
  }
  // Non-regular files as a SOURCE: a FIFO, <(…), /dev/stdin.
  const src = file('fifo-src.jsonl', good.join('\n') + '\n');
  const fifo = join(T, 'fifo');
  spawnSync('mkfifo', [fifo]);
  for (const [label, shell] of [
    ['FIFO', `(cat ${sh(src)} > ${sh(fifo)} &); RTEV filter --count ${sh(fifo)}`],
    ['<(…)', `RTEV filter --count <(cat ${sh(src)})`],
    ['/dev/stdin', `cat ${sh(src)} | RTEV filter --count /dev/stdin`],
    ['- (stdin)', `cat ${sh(src)} | RTEV filter --count -`],
    ['gzip via <(…)', `RTEV filter --count <(gzip -c ${sh(src)})`],
    ['FIFO, stats', `(cat ${sh(src)} > ${sh(fifo)} &); RTEV stats --json ${sh(fifo)} | grep -c '"events"' >/dev/null; echo ${good.length}`],
  ]) {
    const r = await run([], { shell, label: `${label} as SOURCE` });
    if (counter(r) !== good.length) tally.lost.push(`${label} as SOURCE: read ${r.out.trim() || 'nothing'} of ${good.length} (${r.err.split('\n')[0]})`);
  }
  return cases.length;
}

// ---------------------------------------------------------------------------------------------------------
// 2. Hostile strings in every field position of every command, on a terminal and a pipe
async function hostilePositions() {
  current = 'hostile positions';
  const dir = join(T, `caps${HN.replace(/[/]/g, '')}`);
  mkdirSync(dir, { recursive: true });
  const out = join(T, 'out');
  mkdirSync(out, { recursive: true });
  const groups = QUICK ? 4 : 26;
  const plain = join(dir, 'plain.jsonl');
  writeFileSync(plain, conversation(-1, 1).lines.join('\n') + '\n');
  const srcs = [];
  for (let g = 0; g < groups; g++) {
    const p = join(dir, `pos${g}.jsonl`);
    writeFileSync(p, conversation(g, groups).lines.join('\n') + '\n');
    srcs.push(p);
  }
  for (const proto of PROTOCOLS) {
    const p = join(dir, `${proto}.jsonl`);
    writeFileSync(p, catalogueCapture(proto).join('\n') + '\n');
    srcs.push(p);
  }
  // A lone 0x9B (CSI in an 8-bit terminal) inside strings.
  const lone = join(dir, 'lone-9b.jsonl');
  writeFileSync(lone, Buffer.concat([Buffer.from('{"type":"response.output_text.delta","delta":"x'), Buffer.from([0x9b]), Buffer.from('2J","item_id":"i'), Buffer.from([0x9b]), Buffer.from('"}\n{"type":"x'), Buffer.from([0x9b, 0xff]), Buffer.from('"}\n')]));
  srcs.push(lone);
  let i = 0;
  for (const src of srcs) {
    for (const args of readers(src, plain, out)) {
      if (QUICK && i++ % 3) continue;
      for (const tty of [true, false]) await run(args, { tty, verbatim: verbatim(args), env: tty ? {} : { NO_COLOR: '1' } });
    }
  }
  // Message paths: file names, missing files, bad option values quoting the input.
  const missing = join(dir, `missing${HN}.jsonl`);
  for (const args of [[`x${HN}`], ['cat', `--${HN}`], ['cat', '--time', HN, plain], ['filter', '--type', HN, plain], ['cat', '--since', HN, plain],
    ['cat', missing], ['stats', missing, plain], ['check', dir], ['show', plain, HN], ['show', missing, '1'], ['replay', missing], ['demo', missing],
    ['tail', '--send', `{${HN}`, 'ws://127.0.0.1:9/'], ['record', '-o', join(dir, `rec${HN}`), 'ws://127.0.0.1:9/'], ['sql', `select ${HN}`, plain],
    ['audio', plain, '-o', join(dir, `o${HN}`, 'x')], ['diff', plain, missing], ['tail', missing], ['tail', `ws://127.0.0.1:9/${HN}`]]) {
    for (const tty of [true, false]) await run(args, { tty, timeoutMs: 20_000 });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Live: a scripted ws server on 127.0.0.1 that each scenario configures
let behave = () => {};
const wss = new WebSocketServer({ noServer: true, maxPayload: 256 << 20 });
const http = createHttp((req, res) => res.writeHead(404).end());
http.on('upgrade', (req, socket, head) => {
  if (behave.upgrade?.(req, socket)) return;
  wss.handleUpgrade(req, socket, head, (ws) => behave(ws, req));
});
await new Promise((r) => http.listen(0, '127.0.0.1', r));
const PORT = http.address().port;
const URL0 = `ws://127.0.0.1:${PORT}/v1/realtime`;
const serve = (fn, upgrade) => { behave = fn; behave.upgrade = upgrade; };
const sendAll = async (ws, frames, gap = 0) => {
  for (const f of frames) {
    if (ws.readyState !== 1) return;
    ws.send(f);
    if (gap) await new Promise((r) => setTimeout(r, gap));
  }
};
const frames = (n) => goodEvents(n).map((l) => { const v = JSON.parse(l); return JSON.stringify(v.event ?? v); });

function readRecording(p) {
  if (!existsSync(p)) return { lines: 0, bad: 'missing', meta: 0 };
  const text = readFileSync(p, 'utf8');
  const all = text.split('\n');
  const partial = all[all.length - 1] !== '';
  let bad = 0;
  let meta = 0;
  let frames = 0;
  for (const l of all.filter(Boolean)) {
    try {
      const v = JSON.parse(l);
      if (v.dir === 'meta') meta++;
      else frames++;
    } catch { bad++; }
  }
  return { lines: frames, bad: bad || (partial ? 'a partial last line' : 0), meta, text };
}

// 3. Secrets, in every form a server may echo them
async function secrets() {
  current = 'secrets';
  const forms = (k) => ({
    literal: k, json: k.replace(/-/g, '\\u002d'), jsonUpper: k.replace(/-/g, '\\u002D').replace(/H/g, '\\u0048'), percent: encodeURIComponent(k).replace(/-/g, '%2D'),
    percentAll: [...k].map((c) => `%${c.charCodeAt(0).toString(16)}`).join(''), b64: Buffer.from(k).toString('base64'),
  });
  // The server echoes what it received: headers, the URL, and the key it finds there in every form, as text
  // frames (inside JSON events and as plain text) and binary frames.
  const echo = (ws, req) => {
    const auth = req.headers.authorization ?? '';
    const found = /sk-[\w-]+/.exec(`${auth} ${decodeURIComponent(req.url)} ${Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString()}`)?.[0] ?? 'no-key-received';
    const f = forms(found);
    const out = [
      JSON.stringify({ type: 'session.created', event_id: 'e1', session: { id: 's', model: 'm', headers: req.headers, url: req.url } }),
      `{"type":"error","event_id":"e2","error":{"type":"invalid_request_error","code":"bad_key","message":"Incorrect API key provided: ${f.json}"}}`,
      `{"type":"error","event_id":"e3","error":{"message":"key ${f.jsonUpper}","code":"x"}}`,
      JSON.stringify({ type: 'x.echo', event_id: 'e4', url: `wss://h/v1?api_key=${f.percent}`, all: f.percentAll }),
      `plain text frame with ${found} in it`,
      Buffer.from(`binary frame ${found} and ${f.json}`),
      JSON.stringify({ type: 'response.function_call_arguments.done', event_id: 'e6', response_id: 'r', item_id: 'i', output_index: 0, call_id: 'c', name: 'n', arguments: JSON.stringify({ echoed: f.json, raw: found }) }),
      JSON.stringify({ type: 'response.output_text.delta', event_id: 'e5', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: `Bearer ${found}` }),
    ];
    void sendAll(ws, out).then(() => ws.close(4001, `bad key ${found}`.slice(0, 120)));
  };
  serve(echo);
  const recDir = join(T, 'secret-recs');
  mkdirSync(recDir, { recursive: true });
  const base = `127.0.0.1:${PORT}/v1/realtime`;
  const scenarios = [
    ['URL password', [`ws://user:${KEY}@${base}`], {}],
    ['URL user only', [`ws://${KEY}@${base}`], {}],
    ['URL password, percent-encoded in argv', [`ws://user:${encodeURIComponent(KEY).replace(/-/g, '%2D')}@${base}`], {}],
    ['?api_key= in URL', [`ws://${base}?api_key=${KEY}`], {}],
    ['?api_key= percent-encoded', [`ws://${base}?model=x&api_key=${encodeURIComponent(KEY).replace(/-/g, '%2D')}`], {}],
    ['--header Authorization', ['--header', `Authorization: Bearer ${KEY}`, `ws://${base}`], {}],
    ['--header api-key', ['--header', `api-key: ${KEY}`, `ws://${base}`], {}],
    ['--header custom', ['--header', `X-Secret: ${KEY}`, `ws://${base}`], {}],
    ['OPENAI_API_KEY via OPENAI_BASE_URL', ['openai'], { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `http://127.0.0.1:${PORT}/v1` }],
    ['OPENAI_API_KEY via OPENAI_BASE_URL ws', ['openai'], { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `ws://127.0.0.1:${PORT}/v1` }],
    ['AZURE_OPENAI_API_KEY', ['openai'], { AZURE_OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `http://127.0.0.1:${PORT}/openai` }],
    ['live with OPENAI_API_KEY', ['live'], { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `http://127.0.0.1:${PORT}/v1` }],
    ['translate with OPENAI_API_KEY', ['translate', '--to', 'es'], { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `http://127.0.0.1:${PORT}/v1` }],
  ];
  let n = 0;
  for (const [name, args, env] of scenarios) {
    for (const cmd of [['tail'], ['tail', '--json'], ['tail', '--all', '--wide'], ['record']]) {
      for (const tty of cmd[0] === 'tail' && !cmd.includes('--json') ? [true, false] : [false]) {
        const f = join(recDir, `r${n++}.jsonl`);
        const r = await run([...cmd, ...args, ...(cmd[0] === 'record' ? ['-o', f] : ['--record', f, '--timeout', '5'])], { tty, env, files: [f], verbatim: cmd.includes('--json'), label: `${cmd.join(' ')} <${name}>`, timeoutMs: 20_000 });
        if (/\?api_key=|@127|:\/\/[^/]*sk/.test(args.join(' ')) && cmd[0] === 'record' && !/visible|ps|OPENAI_API_KEY/i.test(r.err)) tally.other.push(`${name}: no warning that a command-line key is visible to other users (stderr: ${JSON.stringify(r.err.slice(0, 160))})`);
        if (existsSync(f)) {
          const rd = readRecording(f);
          if (rd.lines < 6) tally.other.push(`${name} (${cmd.join(' ')}): the recording holds ${rd.lines} frames of 7 sent`);
          // Read the recording back with every reader: the key must not come back out either.
          if (n % 4 === 1) for (const a of [['cat'], ['cat', '--raw'], ['show', '--full'], ['transcript'], ['stats', '--json']]) await run(a[0] === 'show' ? [...a, f, '1-20'] : [...a, f], { verbatim: a.includes('--raw'), label: `${a.join(' ')} <recording of ${name}>` });
        }
      }
    }
  }
  // ws:// to a host that is not loopback with a key: a usage error naming the risk (no connection is made:
  // 0.0.0.0 reaches only this machine should rtev connect anyway).
  for (const [label, args, env] of [
    ['ws:// non-loopback, --header key', ['--header', `Authorization: Bearer ${KEY}`, `ws://0.0.0.0:${PORT}/v1/realtime`], {}],
    ['ws:// non-loopback, URL password', [`ws://u:${KEY}@0.0.0.0:${PORT}/v1/realtime`], {}],
    ['ws:// non-loopback, OPENAI_BASE_URL', ['openai'], { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: `http://0.0.0.0:${PORT}/v1` }],
  ]) {
    for (const cmd of ['tail', 'record']) {
      const r = await run([cmd, '--no-record', ...args, '--timeout', '3'].filter((a) => !(cmd === 'record' && a === '--no-record')), { env, label: `${cmd} <${label}>`, timeoutMs: 15_000, cwd: recDir });
      if (r.code !== 2 || r.err.trim().split('\n').length !== 1) tally.usage.push(`${cmd} <${label}>: exit ${r.code}, ${r.err.trim().split('\n').length} stderr line(s): ${JSON.stringify(r.err.slice(0, 200))}`);
    }
  }
  // replay serving a capture that holds the key to record --header with that key
  const cap = file('secret-capture.jsonl', [rec(0, 'server', { type: 'error', event_id: 'e', error: { message: `key ${KEY.replace(/-/g, '\\u002d')}` } }), JSON.stringify({ ts: ts(1), dir: 'server', binary: Buffer.from(`bin ${KEY}`).toString('base64') }), JSON.stringify({ ts: ts(2), dir: 'server', text: `txt ${encodeURIComponent(KEY).replace(/-/g, '%2D')}` })].join('\n') + '\n');
  await replayInto(cap, async (url) => {
    const f = join(recDir, 'replayed.jsonl');
    await run(['record', '--header', `Authorization: Bearer ${KEY}`, url, '-o', f], { files: [f], label: 'record <replay of a capture echoing the key>', timeoutMs: 20_000 });
  });
  return scenarios.length;
}

/** `rtev replay` in the background (not counted as an invocation: it is the server), its URL to `fn`. */
async function replayInto(capture, fn, extra = []) {
  const child = spawn('nice', ['-n', '19', process.execPath, BIN, 'replay', '--speed', 'max', '--close', ...extra, capture], { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => { err += c; });
  for (let i = 0; i < 200 && !/ws:\/\/127/.test(err); i++) await new Promise((r) => setTimeout(r, 25));
  const url = /(ws:\/\/127\.0\.0\.1:\d+\S*)/.exec(err)?.[1];
  try {
    if (url) await fn(url);
    else tally.other.push(`replay did not start: ${err.slice(0, 200)}`);
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.on('close', r));
  }
}

// ---------------------------------------------------------------------------------------------------------
// 4. Live faults
async function liveFaults() {
  current = 'live faults';
  const dirL = join(T, 'live');
  mkdirSync(dirL, { recursive: true });
  let k = 0;
  const live = async (name, fn, args = [], o = {}) => {
    serve(fn, o.upgrade);
    const f = join(dirL, `l${k++}.jsonl`);
    const r = await run(['tail', ...args, '--record', f, URL0], { tty: o.tty, timeoutMs: o.timeoutMs ?? 30_000, label: `tail ${args.join(' ')} <${name}>`, ...o });
    return { r, rec: readRecording(f), f };
  };
  const expectRec = (name, x, want) => {
    if (x.rec.bad) tally.other.push(`${name}: the recording has ${x.rec.bad} unreadable line(s)`);
    if (x.rec.meta < 2) tally.other.push(`${name}: the recording lacks its closing meta line (${x.rec.meta} meta lines)`);
    if (want !== undefined && x.rec.lines !== want) tally.other.push(`${name}: recorded ${x.rec.lines} frames of ${want}`);
  };
  for (const tty of [false, true]) {
    // abrupt close after frames
    let x = await live('abrupt close', (ws) => sendAll(ws, frames(20)).then(() => ws.terminate()), [], { tty });
    expectRec('abrupt close', x, 20);
    if (x.r.code !== 1) tally.other.push(`abrupt close: exit ${x.r.code}, expected 1`);
    for (const [code, reason] of [[1000, 'bye'], [1001, 'going away'], [1008, 'policy'], [1011, HN.slice(0, 40)], [4000, 'x'.repeat(123)], [4999, HN.slice(0, 30)], [3000, '']]) {
      x = await live(`close ${code}`, (ws) => sendAll(ws, frames(5)).then(() => ws.close(code, reason)), [], { tty });
      expectRec(`close ${code}`, x, 5);
      if (code !== 1000 && !x.r.err.includes(String(code))) tally.other.push(`close ${code}: stderr does not name the code: ${JSON.stringify(x.r.err.slice(0, 200))}`);
    }
    // invalid UTF-8 text frames: a recorder keeps what arrived
    x = await live('invalid UTF-8 text frame', (ws) => {
      const sock = ws._socket;
      ws.send(frames(1)[0]);
      // A raw unmasked text frame with invalid UTF-8 (ws.send would not send one).
      const payload = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      sock.write(Buffer.concat([Buffer.from([0x81, payload.length]), payload]));
      setTimeout(() => { try { ws.send(frames(1)[0]); ws.close(1000); } catch {} }, 200);
    }, [], { tty });
    if (x.rec.lines < 2) tally.other.push(`invalid UTF-8 text frame: recorded ${x.rec.lines} frames of at least 2 (the valid one and the invalid one's bytes): ${x.r.err.trim().split('\n').slice(-1)[0]}`);
    // a 5 MB frame: written and read back
    x = await live('5 MB frame', (ws) => sendAll(ws, [JSON.stringify({ type: 'response.output_audio.delta', event_id: 'big', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: Buffer.alloc(3_700_000).toString('base64') }), ...frames(2)]).then(() => ws.close(1000)), [], { tty });
    expectRec('5 MB frame', x, 3);
    const back = await run(['filter', '--count', x.f], { label: 'filter --count <the 5 MB frame recording>' });
    if (counter(back) !== 3) tally.lost.push(`5 MB frame: read back ${back.out.trim()} of 3`);
    // hostile frames and a hostile close reason
    x = await live('hostile frames', (ws) => sendAll(ws, [...conversation(-1, 1).lines.map(() => ''), ...conversation(0, 1).lines].filter(Boolean).map((l) => { try { const v = JSON.parse(l); return v.event ? JSON.stringify(v.event) : (v.text ?? l); } catch { return l; } })).then(() => ws.close(4000, HN.slice(0, 40))), ['--all'], { tty });
    // an upgrade refused with a hostile status line
    x = await live('refused upgrade', () => {}, [], { tty, upgrade: (req, socket) => { socket.end(`HTTP/1.1 401 Un${HN.replace(/[\r\n]/g, '')}auth\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnope!`, 'latin1'); return true; } });
    if (x.r.code !== 1) tally.other.push(`refused upgrade: exit ${x.r.code}`);
  }
  // deeply nested unknown event, live
  let x = await live('10k-deep nested unknown event', (ws) => sendAll(ws, [frames(1)[0], `{"type":"x.deep","n":${'['.repeat(10000)}${']'.repeat(10000)}}`, `{"type":"x.deep2","n":${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}`, frames(1)[0]]).then(() => ws.close(1000)), ['--all']);
  expectRec('10k-deep nested, live', x, 4);
  trap('deeply nested events, live tail', x.r, `exit ${x.r.code}, ${x.rec.lines} of 4 frames recorded`);
  // --timeout 3 against a stalled server (open, silent) and a stalled upgrade (TCP open, no answer)
  x = await live('stalled server', () => {}, ['--timeout', '3']);
  trap('tail --timeout 3, stalled server', x.r, `exit ${x.r.code}`, 3.9);
  const stall = createNet(() => {});
  await new Promise((r) => stall.listen(0, '127.0.0.1', r));
  const r2 = await run(['tail', '--no-record', '--timeout', '3', `ws://127.0.0.1:${stall.address().port}/v1/realtime`], { label: 'tail --timeout 3 <stalled upgrade>' });
  trap('tail --timeout 3, stalled upgrade', r2, `exit ${r2.code}`, 3.9);
  stall.close();
  // --exit-after with --timeout
  x = await live('exit-after never matched', (ws) => sendAll(ws, frames(3)), ['--exit-after', 'response.done', '--timeout', '2']);
  if (x.r.code !== 1) tally.other.push(`--exit-after never matched within --timeout: exit ${x.r.code}, expected 1`);
  // slow reader and a reader that never reads: RSS bound, then SIGINT with stdout blocked
  const flood = (ws) => sendAll(ws, frames(8000), 0);
  serve(flood);
  const f = join(dirL, 'blocked.jsonl');
  let sigintAt = 0;
  const r3 = await run(['tail', '--all', '--record', f, URL0], {
    noRead: true, rss: true, timeoutMs: 30_000, label: 'tail into a pipe nobody reads, then SIGINT',
    during: (child) => setTimeout(() => { sigintAt = Date.now(); child.kill('SIGINT'); }, 6000),
  });
  const rb = readRecording(f);
  const stopSecs = (Date.now() - sigintAt) / 1000;
  trap('tail into a non-reading pipe (8000 frames, ~2 MB)', r3, `peak RSS ${r3.rssMB.toFixed(0)} MB, exit ${r3.code} ${stopSecs.toFixed(1)} s after SIGINT, ${rb.lines}/8000 frames recorded`, 8, 200);
  if (r3.code !== 130) tally.other.push(`SIGINT with stdout blocked: exit ${r3.code}, expected 130`);
  if (rb.lines !== 8000 || rb.bad) tally.other.push(`SIGINT with stdout blocked: recorded ${rb.lines} of 8000, ${rb.bad} bad`);
  const f2 = join(dirL, 'slow.jsonl');
  const r4 = await run([], { shell: `RTEV tail --all --record ${sh(f2)} --timeout 8 ${URL0} | (sleep 4; cat >/dev/null)`, rss: false, label: 'tail into a slow reader', timeoutMs: 30_000 });
  if (readRecording(f2).lines !== 8000) tally.other.push(`slow reader: recorded ${readRecording(f2).lines} of 8000`);
  void r4;
  // the recorder hits a file-size limit: one line naming the file, exit 1, the file readable
  serve((ws) => sendAll(ws, frames(3000)).then(() => ws.close(1000)));
  const f3 = join(dirL, 'fsize.jsonl');
  const r5 = await run([], { shell: `ulimit -f 64; RTEV record ${URL0} -o ${sh(f3)}`, label: 'record under ulimit -f 64 KB' });
  if (r5.code !== 1 || r5.err.trim().split('\n').length > 2 || !r5.err.includes('fsize.jsonl')) tally.other.push(`file-size limit while recording: exit ${r5.code}, stderr ${JSON.stringify(r5.err.slice(0, 200))}`);
  const rd5 = readRecording(f3);
  if (rd5.bad && rd5.bad !== 'a partial last line') tally.other.push(`file-size limit: ${rd5.bad} unreadable lines`);
  // two sessions to the same host in the same second: default names must not collide
  serve((ws) => sendAll(ws, frames(2)).then(() => ws.close(1000)));
  const cwd = join(T, 'same-second');
  mkdirSync(cwd, { recursive: true });
  for (let i = 0; i < 3; i++) await run([], { shell: `RTEV record ${URL0} & RTEV record ${URL0}; wait`, cwd, label: 'two records, same second' });
  const made = existsSync(join(cwd, 'recordings')) ? readdirSync(join(cwd, 'recordings')).length : 0;
  if (made !== 6) tally.other.push(`two sessions in the same second: ${made} recordings of 6`);
  // replay serving an invalid-UTF-8 capture to record
  const badcap = file('bad-utf8.jsonl', Buffer.concat([Buffer.from(rec(0, 'server', { type: 'x.a' }) + '\n'), Buffer.from(`{"ts":"${ts(1)}","dir":"server","text":"`), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n'), Buffer.from(rec(2, 'server', { type: 'x.b' }) + '\n')]));
  await replayInto(badcap, async (url) => {
    const fr = join(dirL, 'from-replay.jsonl');
    const r = await run(['record', url, '-o', fr], { label: 'record <replay of an invalid UTF-8 capture>' });
    const rr = readRecording(fr);
    if (rr.lines < 3) tally.other.push(`replay → record of an invalid-UTF-8 frame: recorded ${rr.lines} of 3 (${r.err.trim().split('\n').pop()})`);
  });
}

// ---------------------------------------------------------------------------------------------------------
// 5. Resource traps, each with its measured bound
function trap(name, r, detail, maxSecs = 10, maxMB = Infinity) {
  const ok = r.secs <= maxSecs && (r.rssMB ?? 0) <= maxMB && !r.hung;
  tally.traps.push({ name, secs: r.secs, rssMB: r.rssMB, detail, ok });
}

async function traps() {
  current = 'traps';
  const longType = 'u'.repeat(10000);
  const p1 = file('glob.jsonl', Array.from({ length: 100 }, () => `{"type":"${longType}"}`).join('\n') + '\n');
  let r = await run(['filter', '--type', '*******x', '--count', p1], { timeoutMs: 120_000 });
  trap("glob '*******x' x 100 lines of a 10k-char type", r, `exit ${r.code}, count ${r.out.trim()}`);
  r = await run(['filter', '--type', '*.*.*.done', '--count', p1], { timeoutMs: 120_000 });
  trap("glob '*.*.*.done' x 100 lines of a 10k-char type", r, `exit ${r.code}, count ${r.out.trim()}`);
  r = await run(['filter', '--type', `${'*a'.repeat(30)}*b`, '--count', p1], { timeoutMs: 120_000 });
  trap("glob '*a'x30 '*b' x 100 lines", r, `exit ${r.code}`);
  // audio --join with a 100-year gap
  // Two responses a century apart: the silence between them is what --join would fill.
  const aud = (i, t) => JSON.stringify({ ts: t, dir: 'server', event: { type: 'response.output_audio.delta', response_id: `r${i}`, item_id: `i${i}`, delta: 'AAAA' } });
  const p2 = file('gap.jsonl', [aud(1, '2026-01-01T00:00:00.000Z'), aud(2, '2126-01-01T00:00:00.000Z')].join('\n') + '\n');
  for (const mode of [['--join'], ['--stereo']]) {
    const o2 = join(T, `gap-out${mode}`);
    r = await run(['audio', ...mode, p2, '-o', o2], { timeoutMs: 120_000 });
    const size = filesUnder(o2).reduce((s, [, b]) => s + b.length, 0);
    trap(`audio ${mode}, a 100-year gap between two responses (${statSync(p2).size}-byte capture)`, r, `exit ${r.code}, wrote ${(size / 1e6).toFixed(2)} MB`);
    // --join cuts the silence to 10 s; --stereo keeps real time and stops at --max-mb, naming what it left out.
    if (size > 5e6 || (mode[0] === '--join' && size < 400_000) || (mode[0] === '--stereo' && !/left out/.test(r.err))) tally.other.push(`audio ${mode}, a 100-year gap: wrote ${size} bytes: ${r.err.trim()}`);
  }
  // many responses: one file at a time, under a low open-file limit
  const many = [];
  for (let i = 0; i < 3000; i++) many.push(JSON.stringify({ type: 'response.output_audio.delta', response_id: `r${i}`, item_id: `i${i}`, output_index: 0, content_index: 0, delta: 'AAAA' }));
  const p3 = file('many.jsonl', many.join('\n') + '\n');
  const o3 = join(T, 'many-out');
  r = await run([], { shell: `ulimit -n 256; RTEV audio ${sh(p3)} -o ${sh(o3)}`, timeoutMs: 120_000, label: 'audio, 3000 responses, ulimit -n 256' });
  const wavs = existsSync(o3) ? readdirSync(o3).length : 0;
  trap('audio, 3000 responses under ulimit -n 256 (EMFILE)', r, `exit ${r.code}, ${wavs} WAV files`, 60);
  if (wavs !== 3000) tally.other.push(`audio of 3000 responses: ${wavs} files (${r.err.split('\n')[0]})`);
  // -o under /proc
  const pa = file('one-audio.jsonl', aud(1, ts(0)) + '\n');
  r = await run(['audio', pa, '-o', '/proc/nope/x'], { timeoutMs: 30_000 });
  trap('audio -o /proc/nope/x', r, `exit ${r.code}: ${r.err.trim().split('\n')[0]}`, 3);
  r = await run(['export', pa, '-o', '/proc/nope/x'], { timeoutMs: 30_000 });
  trap('export -o /proc/nope/x', r, `exit ${r.code}: ${r.err.trim().split('\n')[0]}`, 3);
  r = await run(['record', 'ws://127.0.0.1:9/', '-o', '/proc/nope/x.jsonl'], { timeoutMs: 30_000 });
  trap('record -o /proc/nope/x.jsonl', r, `exit ${r.code}: ${r.err.trim().split('\n')[0]}`, 3);
  // check with 40k events of one unknown type, and 5k distinct unknown types
  const p4 = file('unknown.jsonl', Array.from({ length: 40000 }, (_, i) => `{"type":"x.unknown.kind","event_id":"u${i}"}`).join('\n') + '\n');
  r = await run(['check', p4], { timeoutMs: 120_000 });
  trap('check, 40k events of one unknown type (1.5 MB)', r, `exit ${r.code}`);
  const p5 = file('unknown-distinct.jsonl', Array.from({ length: 20000 }, (_, i) => `{"type":"x.unknown.k${i}","event_id":"u${i}"}`).join('\n') + '\n');
  r = await run(['check', p5], { timeoutMs: 120_000 });
  trap('check, 20k distinct unknown types', r, `exit ${r.code}`);
  // deeply nested events through every reader
  const p6 = file('deep.jsonl', [goodEvents(1)[0], `{"type":"x.deep","n":${'['.repeat(100000)}${']'.repeat(100000)}}`, `{"type":"response.done","response":${'{"a":'.repeat(50000)}1${'}'.repeat(50000)}}`, goodEvents(1)[0]].join('\n') + '\n');
  for (const a of [['cat'], ['cat', '--json'], ['filter', '--pretty'], ['tail'], ['show', '--full', p6, '2-3'], ['stats'], ['check'], ['transcript'], ['turns'], ['session'], ['report', '-o', join(T, 'deep.html')], ['export', '-o', join(T, 'deep-export')], ['sql', 'select count(*) from events']]) {
    const args = a[0] === 'show' ? a : [...a, p6];
    r = await run(args, { timeoutMs: 60_000, verbatim: a.includes('--json') });
    trap(`${a.filter((x) => !x.startsWith('/')).join(' ')}: 100k-deep arrays, 50k-deep objects`, r, `exit ${r.code}`, 15);
  }
  // output onto a full device and onto a device node
  r = await run([], { shell: `RTEV cat ${sh(p4)} > /dev/full`, label: 'cat > /dev/full' });
  if (r.code !== 1 || r.err.trim().split('\n').length !== 1) tally.other.push(`cat > /dev/full: exit ${r.code}, stderr ${JSON.stringify(r.err.slice(0, 200))}`);
  const node = join(T, 'devnull');
  spawnSync('mknod', [node, 'c', '1', '3']);
  if (existsSync(node)) {
    chmodSync(node, 0o666);
    serve((ws) => sendAll(ws, frames(2)).then(() => ws.close(1000)));
    for (const extra of [[], ['--force']]) {
      r = await run(['record', ...extra, URL0, '-o', node], { label: `record ${extra.join(' ')} -o <a character device>` });
      const mode = statSync(node).mode & 0o777;
      if (mode !== 0o666) tally.other.push(`record ${extra} -o a device node changed its mode to ${mode.toString(8)}`);
      if (r.code === 0) tally.other.push(`record ${extra} -o a device node: exit 0, expected a refusal`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// 6. Usage errors: one line `rtev: …`, exit 2
async function usageErrors() {
  current = 'usage errors';
  const cap = file('usage.jsonl', goodEvents(3).join('\n') + '\n');
  const existing = file('exists.wav', 'x');
  const cases = [
    ['tail', '--header', 'Bad Name: x', URL0], ['tail', '--header', 'X-A: a\rb', URL0], ['tail', '--header', 'X-A: a\nb', URL0], ['tail', '--header', 'X-A: a\u001bb', URL0],
    ['record', '--header', 'Bad Name: x', URL0], ['record', '--header', 'NoColon', URL0], ['tail', '--header', ': x', URL0], ['proxy', '--header', 'Bad Name: x'],
    ['audio', cap, '-o', existing], ['cat', '--raw', '--json', cap], ['filter', '--count', '--pretty', cap], ['filter', '--json', '--pretty', cap],
    ['transcript', '--json', '--markdown', cap], ['tail', cap, '--say', 'hi'], ['tail', cap, '--exit-after', 'response.done'], ['tail', URL0, '--no-record', '--record', join(T, 'f.jsonl')],
    ['cat', '--time', 'bogus', cap], ['tail', '-n', '-3', cap], ['tail', '-n', 'x', cap], ['replay', '--port', '70000', cap], ['replay', '--speed', 'fast', cap],
    ['show', cap], ['show', cap, 'x'], ['show', cap, '5-2'], ['diff', cap], ['sql'], ['audio', cap], ['audio', cap, '-o', join(T, 'ao'), '--max-mb', 'lots'],
    ['stats', '--prices', cap, cap], ['cat', '--since', 'yesterday', cap], ['cat', '--until', '25:99', cap], ['filter', '--dir', 'sideways', cap], ['cat', '--protocol', 'smtp', cap],
    ['tail', '--timeout', 'soon', URL0], ['tail', '--timeout', '-1', URL0], ['tail', '--audio-speed', 'warp', URL0], ['tail', '--send', '{not json', URL0], ['types', '--protocol', 'x'],
    ['tail', 'ftp://127.0.0.1/', '--no-record'], ['tail', 'ws://', '--no-record'], ['tail', 'ws://127.0.0.1:99999/', '--no-record'],
  ];
  const commands = ['cat', 'filter', 'show', 'stats', 'transcript', 'audio', 'check', 'turns', 'session', 'diff', 'export', 'sql', 'tail', 'record', 'replay', 'demo', 'proxy', 'report', 'types'];
  for (const c of commands) cases.push([c, '--x'], [c, '--bogus-option=1'], [c, '-Z']);
  cases.push(['nosuchcommand'], ['--x'], ['catt', cap], ['-Z']);
  for (const args of cases) {
    const r = await run(args, { timeoutMs: 15_000, cwd: join(T) });
    const lines = r.err.replace(/\n$/, '').split('\n');
    if (r.code !== 2 || lines.length !== 1 || !lines[0].startsWith('rtev: ')) tally.usage.push(`rtev ${args.join(' ')}: exit ${r.code}, ${lines.length} stderr line(s): ${JSON.stringify(r.err.slice(0, 160))}`);
  }
  return cases.length;
}

// ---------------------------------------------------------------------------------------------------------
const counts = {};
const only = /--only=(\S+)/.exec(process.argv.join(' '))?.[1]?.split(',');
const want = (name) => !only || only.includes(name);
try {
  if (want('corpus')) counts.corpus = await malformedCorpus();
  if (want('positions')) await hostilePositions();
  if (want('secrets')) counts.secrets = await secrets();
  if (want('live')) await liveFaults();
  if (want('traps')) await traps();
  if (want('usage')) counts.usage = await usageErrors();
} finally {
  http.close();
  wss.close();
}

const print = (title, list) => {
  console.log(`\n${title}: ${list.length}`);
  for (const x of list.slice(0, 25)) console.log(`  - ${x}`);
  if (list.length > 25) console.log(`  … and ${list.length - 25} more`);
};
console.log(`\nrtev hostile run (${QUICK ? 'quick' : 'full'}): ${((Date.now() - started) / 1000).toFixed(0)} s, scratch ${T}`);
console.log('invocations by section:', Object.entries(section).map(([k, v]) => `${k} ${v}`).join(', '));
console.log(`\n| check                         | result |\n|-------------------------------|--------|`);
console.log(`| invocations                   | ${tally.invocations} |`);
console.log(`| crashes                       | ${tally.crashes.length} |`);
console.log(`| raw escapes                   | ${tally.escapes.length} |`);
console.log(`| secret forms leaked           | ${tally.leaks.length} |`);
console.log(`| inputs lost (whole or part)   | ${tally.lost.length} (${counts.corpus} corpus inputs) |`);
console.log(`| non-JSON accepted / over-read | ${tally.overRead.length} |`);
console.log(`| usage errors not 1 line/exit 2| ${tally.usage.length} (${counts.usage} cases) |`);
console.log(`| other findings                | ${tally.other.length} |`);
console.log(`| traps unbounded               | ${tally.traps.filter((t) => !t.ok).length} of ${tally.traps.length} |`);
console.log('\ntraps (measured):');
for (const t of tally.traps) console.log(`  ${t.ok ? 'ok  ' : 'SLOW'} ${t.secs.toFixed(2).padStart(6)} s${t.rssMB ? `, ${t.rssMB.toFixed(0)} MB RSS` : ''}  ${t.name}: ${t.detail}`.replace(/[^\x20-\x7e]/g, '?'));
print('crashes', tally.crashes);
print('raw escapes', tally.escapes);
print('secret forms leaked', tally.leaks);
print('inputs lost', tally.lost);
print('non-JSON accepted or over-read', tally.overRead);
print('usage errors', tally.usage);
print('other findings', tally.other);
if (!process.argv.includes('--keep')) rmSync(T, { recursive: true, force: true });
const bad = tally.crashes.length + tally.escapes.length + tally.leaks.length + tally.lost.length + tally.traps.filter((t) => !t.ok).length;
process.exit(bad ? 1 : 0);
