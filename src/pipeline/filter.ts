import { ALL_VARIANTS, FAMILIES, PROTOCOLS, knownTypes, classify, variantsByName, type Tag, type Variant } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { ERROR_EVENT_TYPES } from '../session/errors.js';

/** The filter options shared by `filter`, `cat` and `tail` (PRODUCT.md §4.3). */
export interface FilterSpec {
  type?: string[];
  exclude?: string[];
  family?: string[];
  dir?: string;
  response?: string;
  item?: string;
  unknown?: boolean;
  errors?: boolean;
  since?: string;
  until?: string;
}

/** A usage error in a filter option: exit 2. */
export class FilterError extends Error {}

export type FrameTest = (f: Frame) => boolean;

/** Split repeated and comma-separated values: `--type a,b --type c`. */
export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function globRegex(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/** What a set of type patterns selects: catalogue variants, and raw types for what the catalogue lacks. */
interface TypeMatcher {
  variants: Set<Variant>;
  raw: RegExp[];
}

function compileTypes(patterns: string[]): TypeMatcher {
  const variants = new Set<Variant>();
  const raw: RegExp[] = [];
  for (const p of patterns) {
    if (/[*?]/.test(p)) {
      const re = globRegex(p);
      // A glob over any name of a variant (type, alias, variant name) selects the whole variant, in every protocol.
      for (const protocol of PROTOCOLS) {
        for (const name of knownTypes(protocol)) if (re.test(name)) variants.add(classify(name, protocol).variant);
      }
      for (const v of ALL_VARIANTS) if (re.test(v.name)) variants.add(v);
      raw.push(re);
      continue;
    }
    // A type selects its variant in each protocol that knows it (`session.updated` in Realtime and in Live).
    let found = false;
    for (const protocol of PROTOCOLS) {
      const tag = classify(p, protocol);
      if (tag.known) { variants.add(tag.variant); found = true; }
      // A type of both directions (Live's reflected input audio) has a server variant too.
      const server = classify(p, protocol, 'server');
      if (server.known) variants.add(server.variant);
    }
    if (found) continue;
    const byName = variantsByName(p);
    if (byName.length) { for (const v of byName) variants.add(v); continue; }
    if (p === 'Unknown') { raw.push(/^/); continue; }
    raw.push(globRegex(p));
  }
  return { variants, raw };
}

function tagMatches(m: TypeMatcher, tag: Tag): boolean {
  if (tag.known) return m.variants.has(tag.variant);
  for (const re of m.raw) if (re.test(tag.variant.type)) return true;
  return false;
}

function typeMatches(m: TypeMatcher, f: Frame): boolean {
  return f.kind === 'event' && tagMatches(m, f.tag);
}

/**
 * The --type test alone, on a type's tag, for readers to drop lines before a frame is made. Only where
 * nothing else depends on the frames dropped: not with --since/--until (their offsets count from the first
 * frame). Null when it cannot help. The full filter still runs on what it keeps.
 */
export function compileTypePrefilter(spec: FilterSpec): ((tag: Tag) => boolean) | null {
  const types = splitList(spec.type);
  if (!types.length || spec.since !== undefined || spec.until !== undefined) return null;
  const m = compileTypes(types);
  return (tag) => tagMatches(m, tag);
}

/** An offset like `90s`, `2m`, `1.5h`, `500ms`, in milliseconds; null if it is not one. */
export function parseOffset(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

function parseBound(name: string, s: string): { abs: number } | { offset: number } {
  const off = parseOffset(s);
  if (off !== null) return { offset: off };
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new FilterError(`${name} ${JSON.stringify(s)}: not an ISO time (2026-11-25T12:00:00Z) or an offset (90s, 2m)`);
  return { abs: t };
}

/** `--errors`: the same events the turn model counts as errors (stats' `errors` key). */
function isError(f: Frame): boolean {
  const t = f.tag.variant.type;
  if (ERROR_EVENT_TYPES.has(t)) return true;
  if (t !== 'response.done' || !contains(f, '"failed"')) return false;
  return f.tryJson()?.response?.status === 'failed';
}

/** A cheap pre-check before parsing: the event's bytes contain the text. */
function contains(f: Frame, text: string): boolean {
  return f.eventBytes().includes(text);
}

function namesId(f: Frame, id: string, slot: 'response_id' | 'item_id', nested: 'response' | 'item'): boolean {
  if (f.kind !== 'event' || !contains(f, id)) return false;
  if (f.field(slot) === id) return true;
  return f.tryJson()?.[nested]?.id === id;
}

/**
 * Compile the options once into one predicate. Each test is added only when its option is given, so an
 * unfiltered run costs one call per frame. Time bounds are stateful (offsets count from the first frame).
 */
export function compileFilter(spec: FilterSpec): FrameTest {
  const tests: FrameTest[] = [];
  const types = splitList(spec.type);
  if (types.length) {
    const m = compileTypes(types);
    tests.push((f) => typeMatches(m, f));
  }
  const excl = splitList(spec.exclude);
  if (excl.length) {
    const m = compileTypes(excl);
    tests.push((f) => !typeMatches(m, f));
  }
  const fams = splitList(spec.family);
  if (fams.length) {
    for (const fam of fams) {
      if (fam !== 'unknown' && !(FAMILIES as readonly string[]).includes(fam)) {
        throw new FilterError(`--family ${JSON.stringify(fam)}: not a family (${FAMILIES.join(', ')}, unknown)`);
      }
    }
    const set = new Set(fams);
    tests.push((f) => set.has(f.tag.variant.family));
  }
  if (spec.dir !== undefined) {
    if (spec.dir !== 'server' && spec.dir !== 'client') throw new FilterError(`--dir ${JSON.stringify(spec.dir)}: use server or client`);
    const dir = spec.dir;
    tests.push((f) => f.direction === dir);
  }
  if (spec.response !== undefined) {
    const id = spec.response;
    tests.push((f) => namesId(f, id, 'response_id', 'response'));
  }
  if (spec.item !== undefined) {
    const id = spec.item;
    tests.push((f) => namesId(f, id, 'item_id', 'item'));
  }
  if (spec.unknown) tests.push((f) => f.kind === 'event' && !f.tag.known);
  if (spec.errors) tests.push(isError);
  if (spec.since !== undefined || spec.until !== undefined) {
    const since = spec.since === undefined ? null : parseBound('--since', spec.since);
    const until = spec.until === undefined ? null : parseBound('--until', spec.until);
    let first = NaN;
    const at = (b: { abs: number } | { offset: number }) => ('abs' in b ? b.abs : first + b.offset);
    // First, so that offsets count from the first frame read, not the first one other tests let through.
    tests.unshift((f) => {
      const t = f.time;
      if (Number.isNaN(t)) return false; // without a timestamp, a frame is outside any time window
      if (Number.isNaN(first)) first = t;
      if (since && t < at(since)) return false;
      if (until && t > at(until)) return false;
      return true;
    });
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  return (f) => {
    for (const t of tests) if (!t(f)) return false;
    return true;
  };
}
