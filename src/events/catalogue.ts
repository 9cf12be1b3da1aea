/**
 * The event catalogues: one table per protocol (realtime.ts, translation.ts, live.ts), all of one shape. This
 * module builds them into variants and answers the questions everything else asks: what does this wire type
 * mean in this protocol (tagging), which variants does a name select (filtering), what does `rtev types` list.
 */
import { LIVE_ALIASES, LIVE_CLIENT_EVENTS, LIVE_SERVER_EVENTS } from './live.js';
import { BETA_ALIASES, CLIENT_EVENTS, SERVER_EVENTS } from './realtime.js';
import { TRANSLATION_CLIENT_EVENTS, TRANSLATION_SERVER_EVENTS } from './translation.js';
import { PROTOCOLS, variantName, type Direction, type Protocol, type Row, type Tag, type Variant } from './variant.js';

export { BETA_ALIASES, CLIENT_EVENTS, SERVER_EVENTS, type ClientType, type ServerType } from './realtime.js';
export { LIVE_ALIASES, NESTING_TYPES, type LiveClientType, type LiveServerType } from './live.js';
export type { TranslationClientType, TranslationServerType } from './translation.js';
export { FAMILIES, PROTOCOLS, variantName, type Direction, type Family, type FieldKind, type Fields, type Protocol, type Stream, type Tag, type Variant } from './variant.js';

function build(protocol: Protocol, rows: readonly Row[], dir: Direction, aliases: Readonly<Record<string, string>>): Variant[] {
  return rows.map(([type, family, required, stream]) => ({
    protocol, type, name: variantName(type), family, dir, required,
    aliases: Object.entries(aliases).filter(([, to]) => to === type).map(([alias]) => alias),
    stream: stream ?? null,
  }));
}

/** One protocol's catalogue, built: its variants and the tags of every name it knows. */
export interface Catalogue {
  readonly protocol: Protocol;
  readonly variants: readonly Variant[];
  /** Wire type or alias → tag. A type with a variant in each direction maps to the client one here. */
  readonly tags: ReadonlyMap<string, Tag>;
  /** Types that are events of both directions (Live's reflected input audio): the server's variant. */
  readonly serverTags: ReadonlyMap<string, Tag>;
}

function catalogue(protocol: Protocol, server: Variant[], client: Variant[]): Catalogue {
  const tags = new Map<string, Tag>();
  const serverTags = new Map<string, Tag>();
  for (const v of [...server, ...client]) {
    if (v.dir === 'client' && tags.has(v.type)) serverTags.set(v.type, tags.get(v.type)!);
    tags.set(v.type, { variant: v, alias: null, known: true });
    for (const a of v.aliases) tags.set(a, { variant: v, alias: a, known: true });
  }
  return { protocol, variants: [...server, ...client], tags, serverTags };
}

const CATALOGUES: Readonly<Record<Protocol, Catalogue>> = {
  realtime: catalogue('realtime', build('realtime', SERVER_EVENTS, 'server', BETA_ALIASES), build('realtime', CLIENT_EVENTS, 'client', BETA_ALIASES)),
  translation: catalogue('translation', build('translation', TRANSLATION_SERVER_EVENTS, 'server', {}), build('translation', TRANSLATION_CLIENT_EVENTS, 'client', {})),
  live: catalogue('live', build('live', LIVE_SERVER_EVENTS, 'server', LIVE_ALIASES), build('live', LIVE_CLIENT_EVENTS, 'client', LIVE_ALIASES)),
};

export function catalogueOf(protocol: Protocol): Catalogue {
  return CATALOGUES[protocol];
}

/** Realtime's variants, as before the split (the default protocol). */
export const SERVER_VARIANTS: readonly Variant[] = CATALOGUES.realtime.variants.filter((v) => v.dir === 'server');
export const CLIENT_VARIANTS: readonly Variant[] = CATALOGUES.realtime.variants.filter((v) => v.dir === 'client');
export const VARIANTS: readonly Variant[] = CATALOGUES.realtime.variants;
/** Every variant of every protocol. */
export const ALL_VARIANTS: readonly Variant[] = PROTOCOLS.flatMap((p) => CATALOGUES[p].variants);

export const UNKNOWN_NAME = 'Unknown';
const unknownTags = new Map<string, Tag>();
const MAX_CACHED_UNKNOWN = 1024;

/**
 * Tag a wire type in a protocol. `dir` matters only for the few types that are events of both directions.
 * Anything not in the catalogue is `Unknown`, keeping its own type string.
 */
export function classify(type: string, protocol: Protocol = 'realtime', dir: Direction | null = null): Tag {
  const cat = CATALOGUES[protocol];
  const known = dir === 'server' ? cat.serverTags.get(type) ?? cat.tags.get(type) : cat.tags.get(type);
  if (known) return known;
  const key = protocol === 'realtime' ? type : `${protocol}\u0000${type}`;
  let tag = unknownTags.get(key);
  if (!tag) {
    tag = { variant: { protocol, type, name: UNKNOWN_NAME, family: 'unknown', dir: 'unknown', required: {}, aliases: [], stream: null }, alias: null, known: false };
    // A hostile stream could send endless distinct types: cache only a bounded number.
    if (unknownTags.size < MAX_CACHED_UNKNOWN) unknownTags.set(key, tag);
  }
  return tag;
}

/** Every name a protocol's catalogue knows (types, aliases), for suggestions and glob matching. */
export function knownTypes(protocol: Protocol = 'realtime'): string[] {
  return [...CATALOGUES[protocol].tags.keys()];
}

/** The variants with this PascalCase name, in every protocol. */
export function variantsByName(name: string): Variant[] {
  return ALL_VARIANTS.filter((v) => v.name === name);
}

export function variantByName(name: string, protocol: Protocol = 'realtime'): Variant | undefined {
  return CATALOGUES[protocol].variants.find((v) => v.name === name);
}
