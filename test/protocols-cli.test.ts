// GPT-Live, Realtime Translation and Realtime captures through cat, filter, stats, transcript, turns and check,
// each tagged by its own catalogue. Captures come from the generator (bench/gen-capture.mjs), whose
// construction the expectations are derived from, or are computed from the capture's own frames here.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogueOf, type Protocol } from '../src/events/catalogue.js';
import { BIN, fixture, ROOT, rtev, tmp } from './helpers.js';

/** A capture from the generator, and its lines parsed (the test's own reading, independent of rtev's). */
function generated(args: string[]): { file: string; lines: { ts?: string; dir?: string; event: any }[] } {
  const file = join(tmp(), `gen-${args.join('_').replace(/[^a-z0-9_]/gi, '')}.jsonl`);
  execFileSync(process.execPath, [join(ROOT, 'bench', 'gen-capture.mjs'), ...args, '--out', file]);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l)).map((l) => (typeof l.dir === 'string' ? l : { event: l }));
  return { file, lines };
}

const tagged = async (args: string[]) => (await rtev(['cat', '--json', ...args])).stdout.trim().split('\n').map((l) => JSON.parse(l));
const server = (lines: { dir?: string; event: any }[], type: string) => lines.filter((l) => l.dir !== 'client' && l.event.type === type).map((l) => l.event);
const b64 = (s: string) => Buffer.from(s, 'base64').length;

describe('protocol detection on generated captures', () => {
  it('tags every frame of each protocol by its own catalogue, bare or recorded, and a Realtime capture never as another', async () => {
    for (const [p, variants] of [
      ['realtime', [[], ['--client'], ['--no-audio']]],
      ['live', [[], ['--client'], ['--sideband']]],
      ['translation', [[], ['--client']]],
    ] as const) {
      for (const extra of variants) {
        const { file, lines } = generated(['--protocol', p, '--turns', '6', ...extra]);
        const t = await tagged([file]);
        expect(t).toHaveLength(lines.length);
        expect(new Set(t.map((x) => x.protocol)), `${p} ${extra.join(' ')}`).toEqual(new Set([p]));
        expect(t.filter((x) => x.variant === 'Unknown'), `${p} ${extra.join(' ')}`).toEqual([]);
      }
    }
  });

  it('decides from the shared deltas\' clocks when a capture starts mid-session (no session.started or session.created)', async () => {
    for (const p of ['live', 'translation'] as const) {
      const { file, lines } = generated(['--protocol', p, '--turns', '3']);
      const cut = join(tmp(), `${p}-cut.jsonl`);
      const rest = lines.map((l) => l.event).filter((e) => !/^session\.(started|created|updated)$/.test(e.type));
      expect(/^session\.(input|output)_/.test(rest[0].type)).toBe(true);
      writeFileSync(cut, rest.map((e) => JSON.stringify(e)).join('\n') + '\n');
      expect(new Set((await tagged([cut])).map((x) => x.protocol)), `${file}`).toEqual(new Set([p]));
    }
  });

  it('--protocol overrides what the frames say', async () => {
    const { file } = generated(['--protocol', 'live', '--turns', '2']);
    const t = await tagged(['--protocol', 'realtime', file]);
    expect(new Set(t.map((x) => x.protocol))).toEqual(new Set(['realtime']));
    expect(t.some((x) => x.variant === 'Unknown')).toBe(true); // session.started means nothing to Realtime
  });
});

describe('cat: one line per GPT-Live and Translation variant', () => {
  const ESC = '\u001b[31m\u0007\u009b';
  /** A frame of every variant, with every required field (strings hostile) and the optional fields summaries read. */
  function everyVariant(p: Protocol): string {
    const hostile = { type: ESC, code: ESC, message: ESC, param: ESC, id: `x${ESC}`, model: ESC, status: ESC, target: ESC, response_id: ESC, text: ESC };
    const value = (kind: string) => (kind === 'string' ? ESC : kind === 'integer' || kind === 'number' ? 1500 : kind === 'array' ? [ESC] : { ...hostile });
    return catalogueOf(p).variants.map((v) => {
      const e: Record<string, unknown> = { type: v.type };
      for (const [k, kind] of Object.entries(v.required)) e[k] = value(kind);
      if ('delta' in e || 'audio' in e) e[v.family === 'audio' || v.family === 'input_audio' ? ('delta' in e ? 'delta' : 'audio') : 'delta'] = v.family.includes('audio') ? 'AAAA' : ESC;
      Object.assign(e, { client_event_id: ESC, delegation_id: ESC, reason: ESC, content: ESC, usage: { seconds: '12' }, context_window: { usage_ratio: '0.5' } });
      if (v.type === 'response.event') e.event = { type: 'response.output_text.delta', delta: ESC, sequence_number: '7' };
      return JSON.stringify({ ts: '2026-11-25T12:00:00.000Z', dir: v.dir, event: e });
    }).join('\n') + '\n';
  }

  it('summarises every variant on one line, with no raw control character and no number that is not one', async () => {
    for (const p of ['live', 'translation'] as const) {
      const file = join(tmp(), `${p}-every.jsonl`);
      writeFileSync(file, everyVariant(p));
      const r = await rtev(['cat', '--time', 'none', '--wide', '--protocol', p, file]);
      expect(r.code, r.stderr).toBe(0);
      const out = r.stdout.trimEnd().split('\n');
      expect(out).toHaveLength(catalogueOf(p).variants.length);
      catalogueOf(p).variants.forEach((v, i) => expect(out[i]!.startsWith(`${v.dir === 'client' ? '↑' : '↓'} ${v.type}`), v.type).toBe(true));
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(r.stdout).not.toContain(' 12.0'); // usage.seconds "12" is a string: not shown as seconds
      expect(r.stdout).not.toContain('#7'); // nor a sequence_number "7"
    }
  });

  it('shows the reference frames as their summaries say (nested types, clocks, usage, reasons)', async () => {
    const lines = readFileSync(fixture('protocols-2026/live-frames.annotated.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const file = join(tmp(), 'ref.jsonl');
    writeFileSync(file, lines.map((l) => JSON.stringify({ ts: '2026-11-25T12:00:00.000Z', dir: l.dir === 'c2s' ? 'client' : 'server', event: l.frame })).join('\n') + '\n');
    const out = (await rtev(['cat', '--time', 'none', '--wide', file])).stdout;
    expect(out).toContain('↓ session.input_transcript.delta           " weather" (21.2–21.4 s)');
    expect(out).toMatch(/↓ response\.event +item_ENOyA2AApz1ePY8UFCDIw resp_0b0f65fd → response\.created gpt-6-luna in_progress #0/);
    expect(out).toMatch(/↓ response\.event +item_ENOyA2AApz1ePY8UFCDIw fc_\S+ → response\.function_call_arguments\.delta "\{"name":" #3/);
    expect(out).toContain('↓ session.usage.updated                    12.0 s used · context 1.0%');
    expect(out).toContain('↓ session.closed                           close_requested · 13.0 s used ↩ sonda_fin');
    expect(out).toContain('↓ session.thinking.appended                at 0.04–0.04 s ↩ ctx_1');
    expect(out).toContain('↓ error                                    invalid_request_error invalid_model: Model "gpt-live-inexistente-9" is not supported in realtime mode.');
  });
});

describe('tail FILE', () => {
  it('reads a GPT-Live capture with its catalogue, with and without -f', async () => {
    const { file } = generated(['--protocol', 'live', '--turns', '2', '--client']);
    const last = (await rtev(['tail', file, '-n', '2', '--time', 'none'])).stdout;
    expect(last).toMatch(/^↑ session\.close\n↓ session\.closed +close_requested · [\d.]+ s used ↩ close_1\n$/);
    const child = spawn(process.execPath, [BIN, 'tail', file, '-n', '2', '-f', '--time', 'none'], { env: { PATH: process.env.PATH ?? '', TZ: 'UTC' } });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    for (const end = Date.now() + 10000; out.split('\n').length < 3 && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    await new Promise((r) => child.on('close', r));
    expect(out).toBe(last);
  });
});

describe('--type OUTER/INNER: the Responses events inside GPT-Live\'s response.event', () => {
  it('selects by the nested type, with globs, and --exclude too', async () => {
    const { file, lines } = generated(['--protocol', 'live', '--turns', '12']);
    const nested = server(lines, 'response.event').map((e) => e.event.type);
    const count = async (args: string[]) => Number((await rtev(['filter', '--count', ...args, file])).stdout);
    expect(await count(['--type', 'response.event/response.completed'])).toBe(nested.filter((t) => t === 'response.completed').length);
    expect(await count(['--type', 'response.event/response.output_text.*'])).toBe(nested.filter((t) => t.startsWith('response.output_text.')).length);
    expect(await count(['--type', 'response.event', '--exclude', 'response.event/response.output_text.delta'])).toBe(nested.filter((t) => t !== 'response.output_text.delta').length);
    expect(nested.filter((t) => t === 'response.completed').length).toBe(3); // one delegation every fourth turn
    const warn = await rtev(['filter', '--count', '--type', 'response.completed', file]);
    expect(warn.stderr).toContain('select it as response.event/response.completed');
  });
});

describe('stats on GPT-Live and Translation', () => {
  it('GPT-Live: protocol, usage seconds (the running total), context ratio, close reason, errors by code, nested types, audio', async () => {
    const { file, lines } = generated(['--protocol', 'live', '--turns', '24', '--client']);
    const s = JSON.parse((await rtev(['stats', '--json', file])).stdout);
    expect(s.protocol).toBe('live');
    const usage = server(lines, 'session.usage.updated');
    const closed = server(lines, 'session.closed')[0];
    expect(s.live.usage_seconds).toBe(closed.usage.seconds); // the last running total, not a sum of the updates
    expect(s.live.usage_seconds).toBeGreaterThan(usage.at(-1).usage.seconds);
    expect(s.live.context_window).toEqual({ last_ratio: usage.at(-1).context_window.usage_ratio, max_ratio: Math.max(...usage.map((u) => u.context_window.usage_ratio)) });
    expect(s.live.closed).toEqual({ close_requested: 1 });
    expect(s.errors).toEqual({ response_input_buffer_full: server(lines, 'error').length });
    const nested: Record<string, number> = {};
    for (const e of server(lines, 'response.event')) nested[e.event.type] = (nested[e.event.type] ?? 0) + 1;
    expect(s.live.nested_types).toEqual(nested);
    expect(s.live.delegations).toBe(server(lines, 'session.delegation.created').length);
    const out = server(lines, 'session.output_audio.delta').reduce((n, e) => n + b64(e.delta), 0);
    const inp = lines.filter((l) => l.event.type === 'session.input_audio.append').reduce((n, l) => n + b64(l.event.audio), 0);
    expect(s.audio).toEqual({ output_seconds: Math.round((out / 48000) * 1000) / 1000, input_seconds: Math.round((inp / 48000) * 1000) / 1000, output_bytes: out, input_bytes: inp });
    // Realtime's keys are all there, unchanged in shape.
    expect(Object.keys(s)).toEqual(['sources', 'protocol', 'events', 'malformed', 'unknown', 'frames', 'directions', 'span', 'types', 'unknown_types', 'aliases', 'responses', 'turns', 'usage', 'audio', 'latency_ms', 'cost_usd', 'errors', 'rate_limits', 'live']);

    const table = (await rtev(['stats', file])).stdout;
    expect(table).toContain('protocol    GPT-Live (/v1/live/sessions)');
    expect(table).toMatch(/^usage {7}\d+\.\d s of audio · context window [\d.]+% \(max [\d.]+%\)$/m);
    expect(table).toMatch(/^inside response\.event$/m);
    expect(table).toMatch(/^↕ session\.input_audio\.append +[\d,]+$/m);
  });

  it('Translation: the languages and the seconds translated (how far into the input the translation reached)', async () => {
    const { file, lines } = generated(['--protocol', 'translation', '--turns', '10', '--client']);
    const s = JSON.parse((await rtev(['stats', '--json', file])).stdout);
    expect(s.protocol).toBe('translation');
    const reached = Math.max(...lines.filter((l) => /^session\.output_/.test(l.event.type)).map((l) => l.event.elapsed_ms));
    expect(s.translation.seconds_translated).toBe(reached / 1000);
    expect(s.translation.languages).toEqual({ input: ['en'], output: ['es'] });
    const out = server(lines, 'session.output_audio.delta').reduce((n, e) => n + b64(e.delta) / (e.sample_rate * 2), 0);
    expect(s.audio.output_seconds).toBe(Math.round(out * 1000) / 1000);
    const table = (await rtev(['stats', file])).stdout;
    expect(table).toContain('languages   en → es');
    expect(table).toContain(`translated  ${(reached / 1000).toFixed(1)} s of speech in ${s.translation.segments} segments`);
  });

  it('keeps a Realtime capture\'s table as it was: no protocol line, the Realtime headline', async () => {
    const r = await rtev(['stats', fixture('diagnosis.jsonl')]);
    expect(r.stdout).not.toMatch(/^protocol/m);
    expect(r.stdout).toMatch(/^responses /m);
    expect(JSON.parse((await rtev(['stats', '--json', fixture('diagnosis.jsonl')])).stdout).live).toBeUndefined();
  });
});

describe('transcript', () => {
  it('GPT-Live: each voice\'s deltas joined into lines by their clock, the two voices interleaved in time', async () => {
    const { file, lines } = generated(['--protocol', 'live', '--turns', '12']);
    const r = await rtev(['transcript', '--json', file]);
    const out = JSON.parse(r.stdout) as { voice: string; start_ms: number; end_ms: number; text: string }[];
    const starts = out.map((l) => l.start_ms);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const words = (type: string) => server(lines, type).map((e) => e.delta).join(' ').split(/\s+/).filter(Boolean);
    expect(out.filter((l) => l.voice === 'user').flatMap((l) => l.text.split(' '))).toEqual(words('session.input_transcript.delta'));
    expect(out.filter((l) => l.voice === 'assistant').flatMap((l) => l.text.split(' '))).toEqual(words('session.output_transcript.delta'));
    // One line per voice per turn: the generator's turns alternate user, assistant.
    expect(out.map((l) => l.voice)).toEqual(Array.from({ length: 24 }, (_, i) => (i % 2 ? 'assistant' : 'user')));
    const text = (await rtev(['transcript', file])).stdout.trimEnd().split('\n');
    expect(text[0]).toMatch(/^\d\d:\d\d\.\d user {7}"\S/);
    expect(text[1]).toMatch(/^\d\d:\d\d\.\d assistant {2}"\S/);
    // The barge-in of turn 6: the user's next words begin before the model has finished.
    expect(text[12]).toMatch(/user .*\(over the assistant for \d\.\d\d s\)$/);
  });

  it('Translation: source and translation side by side, each translated word with the source it was heard at', async () => {
    const { file, lines } = generated(['--protocol', 'translation', '--turns', '6']);
    const segs = JSON.parse((await rtev(['transcript', '--json', file])).stdout) as { start_ms: number; end_ms: number; source: string; translation: string }[];
    const deltas = (type: string) => server(lines, type);
    const join = (xs: string[]) => xs.join(' ').split(/\s+/).filter(Boolean);
    expect(join(segs.map((s) => s.source))).toEqual(join(deltas('session.input_transcript.delta').map((e) => e.delta)));
    expect(join(segs.map((s) => s.translation))).toEqual(join(deltas('session.output_transcript.delta').map((e) => e.delta)));
    // Each translation delta lands in the segment its elapsed_ms falls in.
    segs.forEach((s, i) => {
      const next = segs[i + 1]?.start_ms ?? Infinity;
      const mine = deltas('session.output_transcript.delta').filter((e) => e.elapsed_ms >= s.start_ms && e.elapsed_ms < next);
      expect(join([s.translation])).toEqual(join(mine.map((e) => e.delta)));
    });
    const text = (await rtev(['transcript', '--markdown', file])).stdout;
    expect(text.split('\n')[0]).toBe('| time | source (en) | translation (es) |');
    const side = (await rtev(['transcript', file], { columns: 100 })).stdout.split('\n');
    expect(side[0]).toMatch(/source \(en\) +│ translation \(es\)/);
    expect(side.slice(1).filter(Boolean).every((l) => l.includes('│'))).toBe(true);
  });
});

describe('turns on GPT-Live: the two voices, gaps and overlaps', () => {
  it('one turn per exchange, the gap the generator drew, barge-ins where the user spoke over the model', async () => {
    const { file, lines } = generated(['--protocol', 'live', '--turns', '24']);
    const turns = (await rtev(['turns', '--json', file])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(turns).toHaveLength(24);
    // Every gap is the generator's silence between the user's last word and the model's first (150–900 ms).
    for (const t of turns) expect(t.gap_ms).toBeGreaterThanOrEqual(150), expect(t.gap_ms).toBeLessThanOrEqual(900);
    // Barge-ins on every sixth turn that has a next one (the generator's t % 6 === 5).
    expect(turns.filter((t) => t.flags.includes('barge_in')).map((t) => t.turn)).toEqual([6, 12, 18]);
    for (const t of turns.filter((x) => x.flags.includes('barge_in'))) {
      const next = turns[t.turn]!;
      expect(t.overlap_ms).toBe(t.assistant_ms.end - next.user_ms.start);
    }
    // Delegations on every fourth turn.
    expect(turns.filter((t) => t.delegations).map((t) => t.turn)).toEqual([4, 8, 12, 16, 20, 24]);
    expect(server(lines, 'session.delegation.created')).toHaveLength(6);
    const table = (await rtev(['turns', file])).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^ +# time +user +speech +gap +answer +overlap delegated flags$/);
    expect(table.at(-1)).toMatch(/^24 turns · gap p50 \d+ ms, p90 \d+ ms · 3 barge-ins \(overlap p50 \d+ ms, max \d+ ms\) · 0 talked over · 6 delegations$/);
  });
});

describe('check per protocol', () => {
  it('finds nothing wrong in generated captures of each protocol', async () => {
    for (const p of ['realtime', 'live', 'translation']) {
      const { file } = generated(['--protocol', p, '--turns', '6', '--client']);
      const r = await rtev(['check', file]);
      expect(r.code, `${p}: ${r.stdout}`).toBe(0);
      expect(r.stdout).toBe('');
    }
  });

  it('GPT-Live: session.start not first, and client frames before session.started', async () => {
    const file = join(tmp(), 'order.jsonl');
    const l = (dir: string, event: object) => JSON.stringify({ ts: '2026-11-25T12:00:00.000Z', dir, event });
    writeFileSync(file, [
      JSON.stringify({ ts: '2026-11-25T12:00:00.000Z', dir: 'meta', rtev: { source: 'wss://api.openai.com/v1/live/sessions' } }),
      l('client', { type: 'session.input_audio.append', audio: 'AAAA' }),
      l('client', { type: 'session.start', session: { model: 'gpt-live-1' } }),
      l('client', { type: 'session.input_audio.append', audio: 'AAAA' }),
      l('server', { type: 'session.started', event_id: 'e1', session: { id: 'live_1' } }),
      l('client', { type: 'session.input_audio.append', audio: 'AAAA' }),
    ].join('\n') + '\n');
    const r = await rtev(['check', '--json', file]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').map((x) => JSON.parse(x)).map((x) => [x.line, x.rule])).toEqual([
      [2, 'start-not-first'], [2, 'sent-before-started'], [3, 'start-not-first'],
    ]);
    expect(r.stdout).toContain('session.input_audio.append sent before session.started (and 1 more client frame)');
    // An observer (…/attach) never sends session.start: the opening rules do not apply to it.
    writeFileSync(file, readFileSync(file, 'utf8').replace('/v1/live/sessions', '/v1/live/sessions/live_1/attach'));
    expect((await rtev(['check', file])).code).toBe(0);
  });

  it('the beta shutdown in a Realtime capture, in one line', async () => {
    const lines = readFileSync(fixture('protocols-2026/realtime-2026-frames.annotated.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).frame);
    const file = join(tmp(), 'beta.jsonl');
    writeFileSync(file, JSON.stringify(lines[0]) + '\n');
    const r = await rtev(['check', file]);
    expect(r.stdout).toContain(`${file}:1: beta-shutdown: this client speaks the beta shape, which OpenAI shut off on 2026-05-12; move to the GA events`);
  });

  it('runs none of the Realtime-only rules on GPT-Live (both DTMF spellings are not "mixed names"; no responses to finish)', async () => {
    const file = join(tmp(), 'dtmf.jsonl');
    writeFileSync(file, [
      { type: 'session.started', event_id: 'e1', session: { id: 'live_1' } },
      { type: 'transport.dtmf.send', event_id: 'e2', event: '5' },
      { type: 'transport.dtmf.sent', event_id: 'e3', event: '6' },
      { type: 'response.event', event_id: 'e4', event: { type: 'response.output_text.delta', item_id: 'm', delta: 'a', sequence_number: 1 } },
      { type: 'response.event', event_id: 'e5', event: { type: 'response.output_text.done', item_id: 'm', text: 'b', sequence_number: 2 } },
    ].map((e) => JSON.stringify(e)).join('\n') + '\n');
    const r = await rtev(['check', file]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('export carries the protocol', () => {
  it('tags events and sessions with their protocol, names a Live session by session.started, and times each protocol\'s audio', async () => {
    for (const p of ['live', 'translation'] as const) {
      const { file, lines } = generated(['--protocol', p, '--turns', '3']);
      const dir = join(tmp(), 'out');
      const r = await rtev(['export', file, '-o', dir, '--format', 'jsonl']);
      expect(r.code, r.stderr).toBe(0);
      const rows = (t: string) => readFileSync(join(dir, `${t}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const [session] = rows('sessions');
      expect(session.protocol).toBe(p);
      expect(session.session_id).toBe(lines.find((l) => /^session\.(started|created)$/.test(l.event.type))!.event.session.id);
      const events = rows('events');
      expect(new Set(events.map((e) => e.protocol))).toEqual(new Set([p]));
      const audio = events.filter((e) => e.type === 'session.output_audio.delta');
      expect(audio.length).toBeGreaterThan(0);
      // 24 kHz PCM16: 48 bytes a millisecond (Live from session.started's format, Translation from sample_rate).
      for (const e of audio) expect(e.audio_ms).toBe(e.audio_bytes / 48);
    }
  });
});
