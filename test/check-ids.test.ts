// rtev check's duplicate-id structure (src/pipeline/seen-ids.ts): exact within its window, a Bloom filter
// beyond it with the false-positive rate the README states, and bounded memory.
import { describe, expect, it } from 'vitest';
import { BLOOM_IDS, FALSE_POSITIVE_RATE, Seen, SeenIds, WINDOW } from '../src/pipeline/seen-ids.js';

/** `n` distinct ids, `event_` and a counter spelt in base 36, in one buffer; each id's range. */
function ids(from: number, n: number): { buf: Buffer; at: (i: number) => [number, number] } {
  const parts: string[] = [];
  const offs: number[] = [0];
  for (let i = from; i < from + n; i++) {
    const id = `event_${i.toString(36).padStart(8, '0')}`;
    parts.push(id);
    offs.push(offs[offs.length - 1]! + id.length);
  }
  return { buf: Buffer.from(parts.join('')), at: (i) => [offs[i]!, offs[i + 1]!] };
}

describe('SeenIds', () => {
  it('names a repeat within the window for certain, and only counts one older than it', () => {
    const s = new SeenIds();
    const a = ids(0, 3 * WINDOW);
    const add = (i: number) => s.add(a.buf, ...a.at(i));
    expect(add(0)).toBe(Seen.new);
    expect(add(1)).toBe(Seen.new);
    expect(add(0)).toBe(Seen.duplicate);
    // The same bytes in another buffer are the same id.
    expect(s.add(Buffer.from(` ${a.buf.toString('latin1', ...a.at(1))} `), 1, 1 + a.at(1)[1] - a.at(1)[0])).toBe(Seen.duplicate);
    let dups = 0;
    for (let i = 2; i < 3 * WINDOW; i++) if (add(i) === Seen.duplicate) dups++;
    expect(dups).toBe(0);
    // Id 0 left the window (it keeps WINDOW to 2 × WINDOW ids): the filter still has it, unconfirmed.
    const before = s.unconfirmed;
    expect(add(0)).toBe(Seen.maybeOld);
    expect(s.unconfirmed).toBe(before + 1);
    // The most recent ids are still certain.
    expect(add(3 * WINDOW - 1)).toBe(Seen.duplicate);
  });

  it('keeps its false-positive rate on fresh ids', () => {
    const s = new SeenIds();
    const n = 1_500_000, probes = 500_000;
    const a = ids(0, n + probes);
    for (let i = 0; i < n; i++) s.add(a.buf, ...a.at(i));
    let fp = 0;
    for (let i = n; i < n + probes; i++) if (s.add(a.buf, ...a.at(i)) !== Seen.new) fp++;
    // At most the documented rate (with room for chance: the expected count is under 5).
    expect(fp).toBeLessThanOrEqual(Math.max(10, 2 * FALSE_POSITIVE_RATE * probes));
    expect(s.ids).toBeGreaterThan(n + probes - fp - 10);
    expect(BLOOM_IDS).toBeGreaterThanOrEqual(5_000_000);
  });
});
