/** One row of the distance table, reused: no allocation per comparison. */
let row = new Int32Array(64);

/**
 * Levenshtein distance, for "did you mean". With `limit`, any distance of `limit` or more is returned as
 * `limit`, as soon as it is certain (the lengths alone, or a row whose every cell has reached it): a search for
 * the nearest of many candidates then costs little per candidate that is not nearer than the best so far.
 */
export function distance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  if (row.length <= b.length) row = new Int32Array(b.length * 2 + 1);
  for (let j = 0; j <= b.length; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    let least = i;
    const c = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      const v = Math.min(tmp + 1, row[j - 1]! + 1, prev + (c === b.charCodeAt(j - 1) ? 0 : 1));
      row[j] = v;
      if (v < least) least = v;
      prev = tmp;
    }
    if (least >= limit) return limit;
  }
  return Math.min(row[b.length]!, limit);
}

/** The candidate nearest to `word` (the first of equals), or '' when there is none. Long words are cut first. */
export function nearest(word: string, candidates: Iterable<string>): string {
  const w = word.length > 200 ? word.slice(0, 200) : word; // distance is quadratic: a hostile 10k-character name stays cheap
  let best = '';
  let bestD = Infinity;
  for (const k of candidates) {
    const d = distance(w, k, bestD);
    if (d < bestD) { best = k; bestD = d; }
  }
  return best;
}
