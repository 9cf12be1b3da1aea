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
