import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
