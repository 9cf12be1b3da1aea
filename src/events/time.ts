/**
 * Times as captures write them: ISO-8601 strings, or epoch numbers (in s, ms, µs or ns, told apart by size),
 * possibly as numeric strings. Anything else, or anything outside years 1970–9999, is no time at all (NaN):
 * a time that cannot be shown as ISO-8601 would only break what shows it.
 */

const MAX_MS = 253402300799999; // 9999-12-31T23:59:59.999Z
const ISO = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/;
const NUMERIC = /^\d+(\.\d+)?$/;

/** Milliseconds from an epoch number whose unit is guessed from its size: seconds up to 1e11, then ms, µs, ns. */
export function epochMs(n: number): number {
  if (!Number.isFinite(n) || n < 0) return NaN;
  const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1e3 : n < 1e20 ? n / 1e6 : NaN;
  return ms <= MAX_MS ? ms : NaN;
}

/** Milliseconds from a time's JSON value (a string or a number), or NaN. */
export function timeMs(value: string | number): number {
  if (typeof value === 'number') return epochMs(value);
  const s = value.trim();
  if (NUMERIC.test(s)) return epochMs(Number(s));
  if (!ISO.test(s)) return NaN;
  const ms = Date.parse(s);
  return ms >= 0 && ms <= MAX_MS ? ms : NaN;
}

/** Whether a string is already the ISO-8601 form rtev writes, so that it can be shown as written. */
export function isCanonicalIso(s: string): boolean {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(s);
}

/** A time in milliseconds as rtev writes it: ISO-8601 UTC with milliseconds. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

const D = (c: number) => c >= 0x30 && c <= 0x39;
const two = (buf: Buffer, i: number) => (buf[i]! - 0x30) * 10 + buf[i + 1]! - 0x30;

/**
 * Whether the JSON string at `buf[s, e)` (quotes included) is an ISO time as rtev writes it
 * (`"2026-11-25T12:00:00.000Z"`, any number of fraction digits) that `timeMs` takes: checked on the bytes, with
 * no string made. False says nothing: the time may still be valid in another form.
 */
export function isPlainIsoAt(buf: Buffer, s: number, e: number): boolean {
  const n = e - s;
  if (n < 22 || buf[s] !== 0x22 || buf[e - 1] !== 0x22 || buf[e - 2] !== 0x5a) return false; // "…Z"
  const i = s + 1;
  if (!(D(buf[i]!) && D(buf[i + 1]!) && D(buf[i + 2]!) && D(buf[i + 3]!) && buf[i + 4] === 0x2d && D(buf[i + 5]!) && D(buf[i + 6]!)
    && buf[i + 7] === 0x2d && D(buf[i + 8]!) && D(buf[i + 9]!) && buf[i + 10] === 0x54 && D(buf[i + 11]!) && D(buf[i + 12]!)
    && buf[i + 13] === 0x3a && D(buf[i + 14]!) && D(buf[i + 15]!) && buf[i + 16] === 0x3a && D(buf[i + 17]!) && D(buf[i + 18]!))) return false;
  if (n > 22) {
    if (buf[i + 19] !== 0x2e || n === 23) return false;
    for (let k = i + 20; k < e - 2; k++) if (!D(buf[k]!)) return false;
  }
  const year = two(buf, i) * 100 + two(buf, i + 2);
  const month = two(buf, i + 5), day = two(buf, i + 8);
  return year >= 1970 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && two(buf, i + 11) <= 23 && two(buf, i + 14) <= 59 && two(buf, i + 17) <= 59;
}
