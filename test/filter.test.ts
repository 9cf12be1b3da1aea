import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { globMatcher, parseOffset } from '../src/pipeline/filter.js';
import { distance, nearest } from '../src/pipeline/nearest.js';
import { fixture, rtev } from './helpers.js';

const rec = (t: string, dir: string, event: object) => JSON.stringify({ ts: `2026-11-25T12:00:${t}Z`, dir, event });
const CAPTURE = [
  rec('00.000', 'server', { type: 'session.created', event_id: 'e1', session: {} }),
  rec('01.000', 'client', { type: 'response.create', event_id: 'e2' }),
  rec('02.000', 'server', { type: 'response.created', event_id: 'e3', response: { id: 'resp_A', status: 'in_progress' } }),
  rec('03.000', 'server', { type: 'response.audio_transcript.delta', event_id: 'e4', response_id: 'resp_A', item_id: 'item_X', output_index: 0, content_index: 0, delta: 'hi' }),
  rec('04.000', 'server', { type: 'response.output_audio_transcript.delta', event_id: 'e5', response_id: 'resp_A', item_id: 'item_X', output_index: 0, content_index: 0, delta: ' there' }),
  rec('05.000', 'server', { type: 'conversation.item.done', event_id: 'e6', item: { id: 'item_X', type: 'message' } }),
  rec('06.000', 'server', { type: 'response.done', event_id: 'e7', response: { id: 'resp_A', status: 'failed', status_details: { error: { code: 'rate_limit_exceeded' } } } }),
  rec('07.000', 'server', { type: 'error', event_id: 'e8', error: { code: 'invalid_value' } }),
  rec('08.000', 'server', { type: 'conversation.item.input_audio_transcription.failed', event_id: 'e9', item_id: 'item_U', content_index: 0, error: {} }),
  rec('09.000', 'server', { type: 'response.audio_buffer.speech_started', event_id: 'e10' }),
  rec('10.000', 'server', { type: 'response.done', event_id: 'e11', response: { id: 'resp_B', status: 'completed' } }),
].join('\n') + '\n';
const LINES = CAPTURE.trimEnd().split('\n');

/** The 1-based line numbers a filter selects. */
async function sel(...args: string[]): Promise<number[]> {
  const r = await rtev(['filter', ...args], { stdin: CAPTURE });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n').filter(Boolean).map((l) => LINES.indexOf(l) + 1);
}

describe('rtev filter', () => {
  it('selects by wire type, and an alias and its GA name match each other', async () => {
    expect(await sel('--type', 'response.done')).toEqual([7, 11]);
    expect(await sel('--type', 'response.output_audio_transcript.delta')).toEqual([4, 5]);
    expect(await sel('--type', 'response.audio_transcript.delta')).toEqual([4, 5]);
  });

  it('selects by variant name and by glob, repeated or comma-separated', async () => {
    expect(await sel('--type', 'ResponseDone')).toEqual([7, 11]);
    expect(await sel('--type', '*.delta')).toEqual([4, 5]);
    expect(await sel('--type', 'response.*')).toEqual([2, 3, 4, 5, 7, 10, 11]);
    expect(await sel('--type', 'error,session.created', '--type', 'response.create')).toEqual([1, 2, 8]);
  });

  it('excludes', async () => {
    expect(await sel('--exclude', 'response.*,conversation.*')).toEqual([1, 8]);
  });

  it('selects by family, direction, response and item ids', async () => {
    expect(await sel('--family', 'audio_transcript')).toEqual([4, 5]);
    expect(await sel('--family', 'transcription,error')).toEqual([8, 9]);
    expect(await sel('--dir', 'client')).toEqual([2]);
    expect(await sel('--response', 'resp_A')).toEqual([3, 4, 5, 7]);
    expect(await sel('--item', 'item_X')).toEqual([4, 5, 6]);
  });

  it('selects unknown types and errors', async () => {
    expect(await sel('--unknown')).toEqual([10]);
    expect(await sel('--errors')).toEqual([7, 8, 9]);
  });

  it('selects a time window, by ISO time or offset from the first event', async () => {
    expect(await sel('--since', '2026-11-25T12:00:05Z', '--until', '2026-11-25T12:00:07Z')).toEqual([6, 7, 8]);
    expect(await sel('--since', '9s')).toEqual([10, 11]);
    expect(await sel('--until', '1500ms')).toEqual([1, 2]);
    expect(await sel('--since', '2m')).toEqual([]);
  });

  it('combines options, limits and counts', async () => {
    expect(await sel('--type', 'response.*', '--dir', 'server', '-n', '2')).toEqual([3, 4]);
    expect((await rtev(['filter', '--type', 'response.done', '--count'], { stdin: CAPTURE })).stdout).toBe('2\n');
    const real = await rtev(['filter', '--type', 'response.done', '--count', fixture('real-beta-webrtc-session.jsonl')]);
    expect(real.stdout).toBe('54\n');
  });

  it('still reports malformed lines among the lines --type skips, and gives the same lines as --json', async () => {
    const input = `${CAPTURE}nope\n{"type":"error","event_id":"x","error":{}\n${LINES[7]}\n`;
    const raw = await rtev(['filter', '--type', 'error'], { stdin: input });
    expect(raw.stdout).toBe(`${LINES[7]}\n${LINES[7]}\n`);
    expect(raw.stderr).toBe('stdin:12: not a JSON object\nstdin:13: invalid JSON: unexpected end of line (truncated?)\n');
    const tagged = await rtev(['filter', '--type', 'error', '--json'], { stdin: input });
    expect(tagged.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).seq)).toEqual([8, 12]);
  });

  it('passes lines through byte for byte, CRLF and odd spacing included', async () => {
    const input = '{ "type" : "error", "event_id":"e", "error":{} }\r\n{"type":"response.done","event_id":"é","response":{}}\n';
    const r = await rtev(['filter', '--type', 'error,response.done'], { stdin: input });
    expect(r.stdout).toBe('{ "type" : "error", "event_id":"e", "error":{} }\r\n{"type":"response.done","event_id":"é","response":{}}\n');
    const fx = readFileSync(fixture('real-beta-webrtc-session.jsonl'), 'utf8');
    expect((await rtev(['filter', fixture('real-beta-webrtc-session.jsonl')])).stdout).toBe(fx.endsWith('\n') ? fx : fx + '\n');
  });

  it('writes --pretty and --json output', async () => {
    const p = await rtev(['filter', '--type', 'error', '--pretty'], { stdin: CAPTURE });
    expect(p.stdout).toBe('12:00:07.000 ↓ error                                    invalid_value\n');
    const j = await rtev(['filter', '--type', 'error', '--json'], { stdin: CAPTURE });
    expect(JSON.parse(j.stdout)).toMatchObject({ seq: 8, dir: 'server', variant: 'Error', family: 'error', event: { error: { code: 'invalid_value' } } });
  });
});

describe('filter options: time syntax, typos, globs', () => {
  it('takes compound offsets, clock offsets as transcript prints them, and ISO times', async () => {
    expect(await sel('--since', '0m9s')).toEqual([10, 11]);
    expect(await sel('--since', '0h0m8s', '--until', '9500ms')).toEqual([9, 10]);
    expect(await sel('--since', '00:09')).toEqual([10, 11]);
    expect(await sel('--until', '0:00:01.5')).toEqual([1, 2]);
    expect(await sel('--since', '1m2s')).toEqual([]);
    expect(parseOffset('7m32s')).toBe(452_000);
    expect(parseOffset('1h2m')).toBe(3_720_000);
    expect(parseOffset('1500ms')).toBe(1500);
    expect(parseOffset('1m30.5s')).toBe(90_500);
    expect(parseOffset('07:32')).toBe(452_000);
    expect(parseOffset('1:07:32')).toBe(4_052_000);
    expect(parseOffset('90')).toBe(90_000);
    for (const bad of ['', 'm', '7s32m', '1:60', '1:75:00', '5x', '1.5.2s', 'ms']) expect(parseOffset(bad), bad).toBeNull();
    const r = await rtev(['filter', '--since', 'yesterday'], { stdin: CAPTURE });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rtev: --since "yesterday": not a time: give an offset from the first event \(90s, 7m32s, 1500ms\), a clock offset as transcript prints it \(07:32, 1:07:32\) or an ISO time/);
  });

  it('warns once that a capture without timestamps has nothing to select by time', async () => {
    const bare = LINES.map((l) => JSON.stringify(JSON.parse(l).event)).join('\n') + '\n';
    const r = await rtev(['filter', '--since', '5s'], { stdin: bare });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('rtev: warning: stdin has no timestamps: --since selects nothing from it\n');
    expect((await rtev(['filter', '--since', '5s'], { stdin: CAPTURE })).stderr).toBe('');
  });

  it('warns of a --type or --exclude that matches no known type, naming the nearest, and goes on', async () => {
    const r = await rtev(['filter', '--type', 'response.dne,error'], { stdin: CAPTURE });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('rtev: warning: --type response.dne matches no known type; did you mean response.done?\n');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect((await rtev(['cat', '--exclude', 'respnse.*'], { stdin: CAPTURE })).stderr).toBe('rtev: warning: --exclude respnse.* matches no known type\n');
    // Known types of any protocol, variant names, globs that match and Unknown: no warning.
    for (const ok of ['session.started', 'ResponseDone', 'response.*', 'Unknown', 'response.audio.delta']) {
      expect((await rtev(['filter', '--type', ok], { stdin: CAPTURE })).stderr, ok).toBe('');
    }
  });

  it('matches globs without backtracking, however many stars', () => {
    const long = 'a'.repeat(10_000);
    const t0 = performance.now();
    expect(globMatcher('*******x')(long)).toBe(false);
    expect(globMatcher('*.*.*.done')(long)).toBe(false);
    expect(globMatcher('*a*a*a*a*a*a*a*a*a*b')(long)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(200);
    const cases: [string, string, boolean][] = [
      ['response.*', 'response.done', true], ['*.done', 'response.done', true], ['*.done', 'response.done.x', false],
      ['r?sponse.*', 'response.x', true], ['*', '', true], ['?', '', false], ['a*b*c', 'abc', true], ['a*b*c', 'acb', false],
      ['*ab*ab', 'abab', true], ['*ab*ab', 'ab', false], ['a?c*', 'abc', true], ['*x*', 'xyz', true], ['**', 'q', true],
      ['a*?', 'a', false], ['a*?', 'ab', true], ['x', 'x', true], ['x', 'xx', false],
    ];
    for (const [glob, name, want] of cases) {
      const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      expect(globMatcher(glob)(name), `${glob} ${name}`).toBe(want);
      expect(re.test(name), `${glob} ${name} (regex)`).toBe(want);
    }
  });

  it('filters a 10k-character type against a glob quickly, end to end', async () => {
    const input = Array.from({ length: 200 }, () => JSON.stringify({ type: 'x.'.repeat(5000) })).join('\n') + '\n';
    const t0 = performance.now();
    const r = await rtev(['filter', '--type', '*.*.*.done', '--count'], { stdin: input });
    expect(r.stdout).toBe('0\n');
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('prototype-named types', () => {
  const names = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty'];
  const input = [...names, ...names].map((t, i) => JSON.stringify({ type: t, event_id: `e${i}` })).join('\n') + '\n';

  it('are read, tagged, selected and checked like any unknown type', async () => {
    const tagged = (await rtev(['cat', '--json'], { stdin: input })).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(tagged.map((t) => [t.event.type, t.variant])).toEqual([...names, ...names].map((t) => [t, 'Unknown']));
    for (const t of names) {
      const r = await rtev(['filter', '--type', t, '--count'], { stdin: input });
      expect(r.stdout, t).toBe('2\n');
      expect((await rtev(['filter', '--exclude', t, '--count'], { stdin: input })).stdout, t).toBe('8\n');
    }
    const check = await rtev(['check', '--json'], { stdin: input });
    expect(check.stdout.trim().split('\n').map((l) => JSON.parse(l).rule)).toEqual(Array(10).fill('unknown-type'));
  });
});

describe('suggestions for unknown types', () => {
  /** The textbook Levenshtein distance, as a reference. */
  const reference = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };

  it('cuts a distance short at its limit, and is exact below it', () => {
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const word = () => Array.from({ length: rnd(40) }, () => 'abcde._'[rnd(7)]).join('');
    for (let k = 0; k < 2000; k++) {
      const a = word(), b = word(), limit = rnd(30);
      expect(distance(a, b, limit), `${a} ${b} ${limit}`).toBe(Math.min(reference(a, b), limit));
      expect(distance(a, b)).toBe(reference(a, b));
    }
    expect(nearest('response.dne', ['session.created', 'response.done', 'response.create'])).toBe('response.done');
  });

  it('suggests for the listed findings and counts the rest, whatever the number of distinct types', async () => {
    const input = Array.from({ length: 2500 }, (_, i) => JSON.stringify({ type: `response.custom_${i}.delta`, event_id: `e${i}` })).join('\n') + '\n';
    const r = await rtev(['check'], { stdin: input });
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines[0]).toBe('stdin:1: unknown-type: unknown type "response.custom_0.delta"; did you mean "response.audio.delta"?');
    expect(r.stderr).toMatch(/^rtev check: 2500 protocol errors, 0 warnings \(unknown-type 2500\)/);
  });
});
