/**
 * Parsing an event with its nesting bounded. JSON.parse itself does not recurse on depth, but much that looks at
 * a parsed event does: `String()` of an array, `JSON.stringify`, template strings. An event nested deeper than
 * MAX_JSON_DEPTH is therefore parsed with each value below that depth replaced by the string "…": every
 * consumer sees a value of bounded depth, and nothing recurses on the depth of its input.
 */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22, BACKSLASH = 0x5c;
const isOpen = (c: number) => c === 0x7b || c === 0x5b;
const isClose = (c: number) => c === 0x7d || c === 0x5d;

/** The index of the quote that closes the string opening at `i` (or `end`). */
function stringEnd(buf: Buffer, i: number, end: number): number {
  for (i++; i < end; i++) {
    const c = buf[i];
    if (c === QUOTE) return i;
    if (c === BACKSLASH) i++;
  }
  return end;
}

/** More than `limit` opening brackets anywhere (in strings too): what a nesting deeper than `limit` needs. */
function manyOpenings(buf: Buffer, start: number, end: number, limit: number): boolean {
  if (end - start < 2 * limit + 2) return false;
  const v = buf.subarray(start, end); // a bounded view: a search never runs on through the rest of a chunk
  let n = 0;
  for (let i = v.indexOf(0x5b); i >= 0; i = v.indexOf(0x5b, i + 1)) if (++n > limit) return true;
  for (let i = v.indexOf(0x7b); i >= 0; i = v.indexOf(0x7b, i + 1)) if (++n > limit) return true;
  return false;
}

/**
 * Whether objects and arrays nest deeper than `limit` in `buf[start, end)`. Most events are ruled out by a
 * native count of their brackets; the rest take one pass, strings skipped.
 */
export function nestsDeeper(buf: Buffer, start: number, end: number, limit: number): boolean {
  if (!manyOpenings(buf, start, end, limit)) return false;
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === QUOTE) i = stringEnd(buf, i, end);
    else if (isOpen(c)) { if (++depth > limit) return true; }
    else if (isClose(c)) depth--;
  }
  return false;
}

/** The JSON text with every object or array below `limit` levels replaced by "…". */
function cutDeep(buf: Buffer, start: number, end: number, limit: number): string {
  const parts: string[] = [];
  let from = start;
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === QUOTE) i = stringEnd(buf, i, end);
    else if (isClose(c)) depth--;
    else if (isOpen(c) && ++depth > limit) {
      // Skip this value whole, then go on at the depth it was opened from.
      let inner = 1;
      let j = i + 1;
      for (; j < end && inner > 0; j++) {
        const d = buf[j]!;
        if (d === QUOTE) j = stringEnd(buf, j, end);
        else if (isOpen(d)) inner++;
        else if (isClose(d)) inner--;
      }
      parts.push(buf.toString('utf8', from, i), '"…"');
      from = j;
      i = j - 1;
      depth--;
    }
  }
  parts.push(buf.toString('utf8', from, end));
  return parts.join('');
}

/**
 * JSON.parse of `buf[start, end)`, with nesting deeper than MAX_JSON_DEPTH cut (see above). Throws as JSON.parse.
 * `depth`, when the scanner measured it, saves counting the brackets again.
 */
export function parseBounded(buf: Buffer, start: number, end: number, limit = MAX_JSON_DEPTH, depth = -1): unknown {
  const deep = depth < 0 ? nestsDeeper(buf, start, end, limit) : depth > limit;
  return JSON.parse(deep ? cutDeep(buf, start, end, limit) : buf.toString('utf8', start, end));
}
