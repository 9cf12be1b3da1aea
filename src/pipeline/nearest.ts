/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The candidate nearest to `word` (the first of equals), or '' when there is none. Long words are cut first. */
export function nearest(word: string, candidates: Iterable<string>): string {
  const w = word.length > 200 ? word.slice(0, 200) : word; // distance is quadratic: a hostile 10k-character name stays cheap
  let best = '';
  let bestD = Infinity;
  for (const k of candidates) {
    const d = distance(w, k);
    if (d < bestD) { best = k; bestD = d; }
  }
  return best;
}
