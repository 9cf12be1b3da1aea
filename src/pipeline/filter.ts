import { ALL_VARIANTS, FAMILIES, NESTING_TYPES, PROTOCOLS, knownTypes, classify, variantsByName, type Tag, type Variant } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { nearest } from './nearest.js';
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

const isGlob = (p: string) => p.includes('*') || p.includes('?');

/**
 * A glob (`*` any run of characters, `?` one) as a test that never backtracks: the parts between stars are
 * found left to right, each at its earliest place, which is all `*` needs. So a test costs about the name's
 * length times the pattern's, whatever the pattern (`*******x` against a 10k-character type is instant).
 */
export function globMatcher(glob: string): (name: string) => boolean {
  const parts = glob.split('*');
  const first = parts[0]!;
  if (parts.length === 1) return (name) => name.length === first.length && partAt(name, 0, first);
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter(Boolean);
  const min = first.length + last.length + middle.reduce((n, m) => n + m.length, 0);
  return (name) => {
    if (name.length < min || !partAt(name, 0, first) || !partAt(name, name.length - last.length, last)) return false;
    let pos = first.length;
    const limit = name.length - last.length;
    for (const m of middle) {
      const at = findPart(name, m, pos, limit);
      if (at < 0) return false;
      pos = at + m.length;
    }
    return true;
  };
}

/** Whether `part` (with `?` for any one character) is at `at` in `name`. */
function partAt(name: string, at: number, part: string): boolean {
  for (let k = 0; k < part.length; k++) if (part[k] !== '?' && part[k] !== name[at + k]) return false;
  return true;
}

/** The earliest place of `part` in `name[from, limit)`, or -1. */
function findPart(name: string, part: string, from: number, limit: number): number {
  if (!part.includes('?')) {
    const at = name.indexOf(part, from);
    return at >= 0 && at + part.length <= limit ? at : -1;
  }
  for (let at = from; at + part.length <= limit; at++) if (partAt(name, at, part)) return at;
  return -1;
}

/** What a set of type patterns selects: catalogue variants, and raw types for what the catalogue lacks. */
interface TypeMatcher {
  variants: Set<Variant>;
  raw: ((type: string) => boolean)[];
  /** `OUTER/INNER` patterns: events of these variants whose nested event's type (Frame.nestedType) passes. */
  nested: { variants: Set<Variant>; inner: (type: string) => boolean }[];
}

/**
 * `response.event/response.completed`: a pattern for the event nested in GPT-Live's `response.event` (a
 * Responses-API stream event) or `decision.event`. Either side may be a glob (`response.event/response.output_*`,
 * `*.event/*.failed`). Null when the pattern has no `/`.
 */
export function splitNested(p: string): { outer: string; inner: string } | null {
  const i = p.indexOf('/');
  return i <= 0 || i === p.length - 1 ? null : { outer: p.slice(0, i), inner: p.slice(i + 1) };
}

/** Every name a pattern may match: types and aliases of every protocol, and variant names. */
function everyName(): string[] {
  return [...new Set([...PROTOCOLS.flatMap((p) => knownTypes(p)), ...ALL_VARIANTS.map((v) => v.name)])];
}

function compileTypes(patterns: string[]): TypeMatcher {
  const variants = new Set<Variant>();
  const raw: ((type: string) => boolean)[] = [];
  const nested: TypeMatcher['nested'] = [];
  for (const p of patterns) {
    const parts = splitNested(p);
    if (parts) {
      const outer = compileTypes([parts.outer]).variants;
      for (const v of outer) if (!NESTING_TYPES.has(v.type)) outer.delete(v);
      nested.push({ variants: outer, inner: isGlob(parts.inner) ? globMatcher(parts.inner) : (t) => t === parts.inner });
      continue;
    }
    if (isGlob(p)) {
      const test = globMatcher(p);
      // A glob over any name of a variant (type, alias, variant name) selects the whole variant, in every protocol.
      for (const protocol of PROTOCOLS) {
        for (const name of knownTypes(protocol)) if (test(name)) variants.add(classify(name, protocol).variant);
      }
      for (const v of ALL_VARIANTS) if (test(v.name)) variants.add(v);
      raw.push(test);
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
    if (p === 'Unknown') { raw.push(() => true); continue; }
    raw.push((type) => type === p);
  }
  return { variants, raw, nested };
}

/** Responses-API stream events that no catalogue has: they travel inside GPT-Live's response.event. */
const RESPONSES_ONLY = /^response\.(completed|in_progress|failed|incomplete|queued|output_text\.(delta|done|annotation\.added)|refusal\.|reasoning|web_search_call\.|file_search_call\.|code_interpreter_call|image_generation_call\.|custom_tool_call_input\.)/;

/**
 * Warnings for --type and --exclude patterns that match no known name of any protocol: likely typos, with the
 * nearest known type. Not errors: captures may hold types the catalogue does not know.
 */
export function filterWarnings(spec: FilterSpec): string[] {
  const out: string[] = [];
  let names: string[] | null = null;
  for (const [option, list] of [['--type', spec.type], ['--exclude', spec.exclude]] as const) {
    for (const p of splitList(list)) {
      if (p === 'Unknown') continue;
      names ??= everyName();
      const parts = splitNested(p);
      if (parts) {
        if (![...compileTypes([parts.outer]).variants].some((v) => NESTING_TYPES.has(v.type))) {
          out.push(`${option} ${p}: ${parts.outer} carries no nested event (${[...NESTING_TYPES].join(' and ')} do)`);
        }
        continue;
      }
      if (isGlob(p)) {
        const test = globMatcher(p);
        if (!names.some(test)) out.push(`${option} ${p} matches no known type`);
      } else if (!names.includes(p)) {
        // A Responses-API event is not a GPT-Live type: it travels inside response.event.
        const hint = RESPONSES_ONLY.test(p) ? ` (inside GPT-Live's response.event, select it as response.event/${p})` : '';
        out.push(`${option} ${p} matches no known type; did you mean ${nearest(p, names)}?${hint}`);
      }
    }
  }
  return out;
}

/** By the tag alone: an `OUTER/INNER` pattern keeps every OUTER event (its inside is tested on the frame). */
function tagMatches(m: TypeMatcher, tag: Tag): boolean {
  if (tag.known) return m.variants.has(tag.variant) || m.nested.some((n) => n.variants.has(tag.variant));
  for (const test of m.raw) if (test(tag.variant.type)) return true;
  return false;
}

function typeMatches(m: TypeMatcher, f: Frame): boolean {
  if (f.kind !== 'event') return false;
  const tag = f.tag;
  if (tag.known) {
    if (m.variants.has(tag.variant)) return true;
    for (const n of m.nested) if (n.variants.has(tag.variant) && n.inner(f.nestedType() ?? '')) return true;
    return false;
  }
  for (const test of m.raw) if (test(tag.variant.type)) return true;
  return false;
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

const NUM = '(\\d+(?:\\.\\d+)?)';
const COMPOUND = new RegExp(`^(?:${NUM}h)?(?:${NUM}m(?!s))?(?:${NUM}s)?(?:${NUM}ms)?$`);
const CLOCK = /^(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)$/;

/**
 * An offset in milliseconds, or null if it is not one: a number of seconds (`90`), units (`90s`, `2m`, `1.5h`,
 * `500ms`) or several of them (`7m32s`, `1h2m`, `1m30.5s`), or a clock offset as `transcript` prints it
 * (`07:32`, `07:32.5`, `1:07:32`).
 */
export function parseOffset(s: string): number | null {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const clock = CLOCK.exec(t);
  if (clock) {
    const [h, m, sec] = [Number(clock[1] ?? 0), Number(clock[2]), Number(clock[3])];
    if (sec >= 60 || (clock[1] !== undefined && m >= 60)) return null;
    return ((h * 60 + m) * 60 + sec) * 1000;
  }
  const c = COMPOUND.exec(t);
  if (!c || t === '') return null;
  const [h, m, sec, ms] = [c[1], c[2], c[3], c[4]].map((x) => Number(x ?? 0)) as [number, number, number, number];
  return ((h * 60 + m) * 60 + sec) * 1000 + ms;
}

function parseBound(name: string, s: string): { abs: number } | { offset: number } {
  const off = parseOffset(s);
  if (off !== null) return { offset: off };
  const t = /^\d{4}-\d\d-\d\d/.test(s.trim()) ? Date.parse(s) : NaN;
  if (Number.isNaN(t)) {
    throw new FilterError(`${name} ${JSON.stringify(s)}: not a time: give an offset from the first event (90s, 7m32s, 1500ms), a clock offset as transcript prints it (07:32, 1:07:32) or an ISO time (2026-11-25T12:00:00Z)`);
  }
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
