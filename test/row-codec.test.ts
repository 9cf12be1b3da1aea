// export --jobs: rows encoded in a worker come back as the exporter wrote them (row-codec.ts).
import { describe, expect, it } from 'vitest';
import type { Value } from '../src/export/columns.js';
import { decodeRows, RowEncoder } from '../src/export/row-codec.js';
import type { TableName } from '../src/export/schema.js';

type Row = [TableName, string | null, Value[]];

/** Decoded rows as plain values (a row array is reused by the decoder, and bytes come as views). */
function roundTrip(rows: Row[]): Row[] {
  const enc = new RowEncoder();
  for (const [t, d, r] of rows) enc.write(t, d, r);
  const out: Row[] = [];
  decodeRows(enc.take(), { write: (t, d, r) => out.push([t, d, r.map((v) => (v instanceof Uint8Array ? Uint8Array.from(v) : v))]) });
  return out;
}

describe('the row codec of export --jobs', () => {
  it('gives back every kind of value, in order, across tables and dates', () => {
    const bytes = Uint8Array.from(Buffer.from('{"type":"x"}'));
    const rows: Row[] = [
      ['events', '2026-11-25', ['sess', 'a.jsonl', 1, 1764000000123, 'server', true, bytes, null, 1.5, Number.NaN]],
      ['events', '2026-11-25', ['sess', 'a.jsonl', 2, 1764000000124, 'server', false, bytes, 'é☃𝄞', -0, Infinity]],
      ['turns', '2026-11-25', ['sess', 'a.jsonl', ['slow', 'barge_in'], [], null]],
      ['events', null, ['sess', 'a.jsonl', 0, null, 'client', true, new Uint8Array(0), '', 2 ** 53, -1]],
      ['events', null, ['sess', 'a.jsonl', -0, null, 'client', true, new Uint8Array(0), '', 2 ** 53, -1]],
      ['sessions', '2026-11-26', ['other', 'b.jsonl', 0, 'x'.repeat(70000)]],
      ['events', '2026-11-26', ['other', 'b.jsonl', 3, null, 'client', true, bytes, '', 2 ** 53, -1]],
    ];
    const back = roundTrip(rows);
    expect(back).toEqual(rows);
    expect(Object.is(back[4]![2][2], -0)).toBe(true); // not taken for the 0 above it
  });

  it('keeps strings with lone surrogates apart (UTF-8 would make them equal)', () => {
    const rows: Row[] = [['events', null, ['\uD800', 'a\uDC00b']], ['events', null, ['\uD801', 'a\uDC00b']]];
    const back = roundTrip(rows);
    expect(back).toEqual(rows);
    expect(back[0]![2][0]).not.toBe(back[1]![2][0]);
  });

  it('gives a value equal to the one above it as the same string, and undefined as null', () => {
    const enc = new RowEncoder();
    enc.write('events', null, ['s', 'response.done', undefined as unknown as Value]);
    enc.write('events', null, ['s', 'response.done', 'x']);
    const seen: Value[][] = [];
    decodeRows(enc.take(), { write: (_t, _d, r) => seen.push([...r]) });
    expect(seen).toEqual([['s', 'response.done', null], ['s', 'response.done', 'x']]);
    // One byte per repeated value: the second row is much smaller than the first.
    const one = new RowEncoder();
    one.write('events', null, ['session-id-of-some-length', 'response.output_audio_transcript.delta']);
    const first = one.take().length;
    one.write('events', null, ['session-id-of-some-length', 'response.output_audio_transcript.delta']);
    one.write('events', null, ['session-id-of-some-length', 'response.output_audio_transcript.delta']);
    expect(one.take().length).toBeLessThan(first + 12);
  });
});
