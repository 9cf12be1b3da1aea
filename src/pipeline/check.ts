import { BETA_ALIASES, knownTypes, type FieldKind, type Protocol, type Variant } from '../events/catalogue.js';
import { ID_RANGE, type Frame, type SpanField } from '../events/frame.js';
import { ProtocolRules } from './check-live.js';
import { nearest } from './nearest.js';
import { Seen, SeenIds } from './seen-ids.js';

export type Severity = 'error' | 'warning';

/** The rules of `rtev check`: stable ids, their severity, and what each looks for. */
export const RULES = {
  'unknown-type': { severity: 'error', about: 'a type the catalogue does not know (the nearest known type is suggested)' },
  'beta-name': { severity: 'warning', about: 'a beta-era name in a GA session' },
  'mixed-names': { severity: 'warning', about: 'GA and beta names of renamed events in one capture' },
  'missing-field': { severity: 'error', about: 'a required field is missing (as the API reference requires it)' },
  'field-type': { severity: 'error', about: 'a required field has the wrong JSON type' },
  'delta-after-done': { severity: 'error', about: 'a delta after the done of its item and part' },
  'done-without-created': { severity: 'error', about: 'a response.done with no response.created before it, in a capture that saw its session start' },
  'joined-late': { severity: 'warning', about: 'a capture that starts mid-session (no session.created first): responses it never saw created' },
  'never-done': { severity: 'warning', about: 'a response.created never done by the end of the capture' },
  'index-mismatch': { severity: 'error', about: 'output_index or content_index does not match the output_item.added / content_part.added it belongs to' },
  'text-mismatch': { severity: 'error', about: 'done text, transcript or arguments differ from the concatenated deltas' },
  'duplicate-event-id': { severity: 'error', about: 'an event_id seen before' },
  'start-not-first': { severity: 'error', about: 'GPT-Live: the first client frame is not session.start (or session.start comes later)' },
  'sent-before-started': { severity: 'error', about: 'GPT-Live: client frames sent before session.started' },
  'beta-shutdown': { severity: 'error', about: 'an error beta_api_shape_disabled, or close 4000 after an OpenAI-Beta header: the beta shape, shut off in 2026' },
} as const satisfies Record<string, { severity: Severity; about: string }>;

export type Rule = keyof typeof RULES;

/** Findings listed per rule (the rest are counted). */
export const LIMIT_PER_RULE = 1000;

export interface Finding {
  source: string;
  line: number;
  rule: Rule;
  severity: Severity;
  message: string;
}

/** Fields a beta server did not require (PROTOCOL.md §2.6): not reported in beta captures. */
const BETA_OPTIONAL = new Map<string, string[]>(Object.entries({
  'conversation.item.input_audio_transcription.completed': ['usage'],
  'response.function_call_arguments.done': ['name'],
}));

/** The streamed-text pairs: each delta type, its done type, and the done's text field. */
// Maps, not objects: a type is a string from the stream, and `constructor` must find nothing.
const STREAMS = new Map<string, { done: string; field: string; delta: boolean }>(Object.entries({
  'response.output_text.delta': { done: 'response.output_text.done', field: 'text', delta: true },
  'response.output_text.done': { done: 'response.output_text.done', field: 'text', delta: false },
  'response.output_audio_transcript.delta': { done: 'response.output_audio_transcript.done', field: 'transcript', delta: true },
  'response.output_audio_transcript.done': { done: 'response.output_audio_transcript.done', field: 'transcript', delta: false },
  'response.function_call_arguments.delta': { done: 'response.function_call_arguments.done', field: 'arguments', delta: true },
  'response.function_call_arguments.done': { done: 'response.function_call_arguments.done', field: 'arguments', delta: false },
  'response.mcp_call_arguments.delta': { done: 'response.mcp_call_arguments.done', field: 'arguments', delta: true },
  'response.mcp_call_arguments.done': { done: 'response.mcp_call_arguments.done', field: 'arguments', delta: false },
  'conversation.item.input_audio_transcription.delta': { done: 'conversation.item.input_audio_transcription.completed', field: 'transcript', delta: true },
  'conversation.item.input_audio_transcription.completed': { done: 'conversation.item.input_audio_transcription.completed', field: 'transcript', delta: false },
  // Audio has no text to compare, but a delta after its done is still out of order.
  'response.output_audio.delta': { done: 'response.output_audio.done', field: '', delta: true },
  'response.output_audio.done': { done: 'response.output_audio.done', field: '', delta: false },
}));

function kindOf(v: unknown): FieldKind | 'null' | 'boolean' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as FieldKind | 'boolean';
}

function fits(kind: ReturnType<typeof kindOf>, want: FieldKind): boolean {
  return kind === want || (want === 'number' && kind === 'integer');
}

/** The known type nearest to an unknown one, in its protocol. */
export function nearestType(type: string, protocol: Protocol = 'realtime'): string {
  return nearest(type, knownTypes(protocol));
}

/**
 * How many responses, items and parts the order rules remember (each map on its own, the oldest forgotten
 * first): memory stays bounded whatever the capture's length. Far more than any response keeps open.
 */
export const MAX_REMEMBERED = 100_000;

/** Add to a Map or Set that forgets its oldest entry past MAX_REMEMBERED. */
function remember<K>(m: Set<K>, k: K): void;
function remember<K, V>(m: Map<K, V>, k: K, v: V): void;
function remember<K, V>(m: Map<K, V> | Set<K>, k: K, v?: V): void {
  if (m instanceof Map) m.set(k, v as V);
  else m.add(k);
  if (m.size > MAX_REMEMBERED) { m.delete(m.keys().next().value as K); evictions++; }
}
/** Entries forgotten so far (by any Checker): a cache over these maps is stale once it changes. */
let evictions = 0;

/** The fields a frame knows the JSON kind of from the scanner's spans (Frame.kindOf). */
const SPAN_FIELDS: ReadonlySet<string> = new Set<SpanField>([
  'response_id', 'item_id', 'call_id', 'event_id', 'delta', 'audio', 'output_index', 'content_index',
  'start_ms', 'end_ms', 'elapsed_ms', 'sample_rate', 'audio_start_ms', 'audio_end_ms',
]);

/** Types whose rules read more than the scanner's fields (ids of nested objects, done texts, error codes): parsed. */
const PARSED_TYPES: ReadonlySet<string> = new Set([
  'session.created', 'response.created', 'response.done', 'response.output_item.added', 'error',
  ...[...STREAMS.values()].filter((s) => s.field && !s.delta).map((s) => s.done),
]);

/** Whether a variant's events are checked from the scanner's spans alone (every required field is one it keeps). */
const UNPARSED = new Map<Variant, boolean>();
function unparsed(v: Variant): boolean {
  let u = UNPARSED.get(v);
  if (u === undefined) UNPARSED.set(v, (u = !PARSED_TYPES.has(v.type) && Object.keys(v.required).every((k) => SPAN_FIELDS.has(k))));
  return u;
}

/** Where a finding is. Kept instead of frames: a frame holds on to its whole input chunk. */
type Place = { source: string; line: number };
const place = (f: Frame): Place => ({ source: f.source, line: f.line });

// Each variant's required fields as a list, made once (Object.entries per event would cost more than the check).
const REQUIRED = new Map<Variant, [string, FieldKind][]>();
function requiredList(v: Variant): [string, FieldKind][] {
  let l = REQUIRED.get(v);
  if (!l) REQUIRED.set(v, (l = Object.entries(v.required)));
  return l;
}

/**
 * Protocol conformance, frame by frame. Events whose rules need only the scanner's fields (deltas, audio,
 * speech events) are checked from its spans, with the kinds JSON.parse would give; the others are parsed once.
 * State is bounded: per response, item and part up to MAX_REMEMBERED each, and event ids in SeenIds (exact
 * within its window, a Bloom filter beyond).
 */
export class Checker {
  readonly findings: Finding[] = [];
  readonly counts: Partial<Record<Rule, number>> = {};
  private ga: boolean | null = null;
  private readonly betaSeen = new Map<string, { first: Place; n: number }>();
  private firstGaRenamed: (Place & { type: string; seq: number }) | null = null;
  private firstBetaRenamed: (Place & { type: string; seq: number }) | null = null;
  private readonly ids = new SeenIds();
  /** Server event ids that may repeat one older than SeenIds' window: counted, not named (see seen-ids.ts). */
  get possibleOldDuplicates(): number {
    return this.ids.unconfirmed;
  }
  private readonly created = new Map<string, Place>();
  /** Whether the capture saw its session start; until then, responses it never saw created joined late. */
  private sessionStarted = false;
  private readonly lateResponses = new Set<string>();
  /** "Did you mean" per distinct unknown type: a suggestion costs a pass over the catalogue. */
  private readonly suggestions = new Map<string, string>();
  private readonly outputs = new Map<string, string>(); // response_id:output_index → item_id
  private readonly respOfItem = new Map<string, string>();
  private readonly partsAdded = new Set<string>(); // item_id:content_index
  private readonly itemsWithParts = new Set<string>();
  private readonly streams = new Map<string, string>(); // done-type|item|part → deltas so far
  private readonly doneKeys = new Set<string>();
  /** Bumped whenever outputs or partsAdded change (the index rule's cache, lastIndexes, is then stale). */
  private indexVersion = 0;
  private lastIndexes: { version: number; resp: unknown; item: unknown; out: unknown; part: unknown } = { version: -1, resp: null, item: null, out: null, part: null };
  private lastKey: { done: string; item: string; part: unknown; key: string } = { done: '', item: '', part: null, key: '' };
  /** Fields only GA requires, missing: reported at the end unless the capture turns out to be beta. */
  private readonly gaOnlyMissing: { source: string; line: number; message: string }[] = [];

  /** The rules of one protocol's handshake and the beta shutdown (check-live.ts). */
  private readonly protocolRules = new ProtocolRules((at, rule, message) => this.find(at, rule, message));

  constructor(private readonly limitPerRule = LIMIT_PER_RULE) {}

  /** A recording's meta line (`{"dir":"meta","rtev":{…}}`): the endpoint, headers sent, how it closed. */
  meta(source: string, line: number, rtev: unknown): void {
    this.protocolRules.meta(source, line, rtev);
  }

  private find(f: Place, rule: Rule, message: string): void {
    this.counts[rule] = (this.counts[rule] ?? 0) + 1;
    if (this.counts[rule]! <= this.limitPerRule) this.findings.push({ source: f.source, line: f.line, rule, severity: RULES[rule].severity, message });
  }

  add(f: Frame): void {
    if (f.kind !== 'event') return;
    const tag = f.tag;
    if (!tag.known) {
      // Past the rule's limit a finding is only counted: no suggestion to look for.
      if ((this.counts['unknown-type'] ?? 0) >= this.limitPerRule) { this.find(f, 'unknown-type', ''); return; }
      const key = `${tag.variant.protocol}\u0000${f.type}`;
      let near = this.suggestions.get(key);
      if (near === undefined) {
        near = nearestType(f.type, tag.variant.protocol);
        if (this.suggestions.size < 10_000) this.suggestions.set(key, near);
      }
      this.find(f, 'unknown-type', `unknown type "${f.type}"; did you mean "${near}"?`);
      return;
    }
    const type = tag.variant.type;
    // A frame without the scanner's spans (kindOf 'unknown') is parsed, whatever its type.
    const spans = unparsed(tag.variant) && f.hasSpans;
    const e = spans ? null : f.tryJson();
    if (!spans && (e === undefined || e === null)) return;
    const realtime = tag.variant.protocol === 'realtime';

    if (realtime && type === 'session.created' && this.ga === null) {
      const s = e.session;
      this.ga = s?.type === 'realtime' || s?.type === 'transcription' || (s?.audio !== undefined && s?.modalities === undefined);
    }
    if (realtime) this.names(f);
    this.fields(f, e);
    if (f.direction === 'server') {
      const id = f.eventIdBytes();
      if (id !== null && this.ids.add(id, ID_RANGE[0]!, ID_RANGE[1]!) === Seen.duplicate) {
        this.find(f, 'duplicate-event-id', `event_id "${f.field('event_id')}" was used before`);
      }
    }
    this.protocolRules.add(f, e);
    // Responses, items, parts and their deltas are Realtime's: GPT-Live and Translation have none of them.
    if (realtime) this.order(f, type, e);
  }

  private names(f: Frame): void {
    const v = f.tag.variant;
    // session.* kept their names; transcription_session.* were separate beta events, not renames.
    if (!v.aliases.length || v.family === 'session') return;
    if (f.tag.alias !== null) {
      this.firstBetaRenamed ??= { ...place(f), type: f.type, seq: f.seq };
      const seen = this.betaSeen.get(f.tag.alias);
      if (seen) seen.n++;
      else this.betaSeen.set(f.tag.alias, { first: place(f), n: 1 });
    } else {
      this.firstGaRenamed ??= { ...place(f), type: f.type, seq: f.seq };
    }
  }

  private fields(f: Frame, e: any): void {
    const v = f.tag.variant;
    const betaOptional = (v.protocol === 'realtime' && BETA_OPTIONAL.get(v.type)) || [];
    for (const [name, want] of requiredList(v)) {
      let kind: ReturnType<typeof kindOf> | 'absent' | 'unchecked';
      if (e === null) kind = this.spanKind(f, name);
      else kind = name in e ? kindOf(e[name]) : 'absent';
      if (kind === 'absent' && betaOptional.includes(name)) {
        // Only GA requires it: whether this is a GA capture may be known only later (session.created, names).
        if (this.ga !== false) this.gaOnlyMissing.push({ source: f.source, line: f.line, message: `${f.type} has no "${name}" (${want})` });
      } else if (kind === 'absent') this.find(f, 'missing-field', `${f.type} has no "${name}" (${want})`);
      else if (kind !== 'unchecked' && !fits(kind, want)) this.find(f, 'field-type', `${f.type}: "${name}" is ${kind}, not ${want}`);
    }
  }

  /** The kind of a field of an unparsed frame, from the scanner's spans ('unchecked': `audio` beside a `delta`). */
  private spanKind(f: Frame, name: string): ReturnType<typeof kindOf> | 'absent' | 'unchecked' {
    const k = f.kindOf(name as SpanField);
    return k === 'unknown' ? 'unchecked' : k;
  }

  private order(f: Frame, type: string, e: any): void {
    const respId = e ? e.response_id : f.field('response_id');
    const itemId = e ? e.item_id : f.field('item_id');
    const outIdx = e ? e.output_index : f.number('output_index');
    const partIdx = e ? e.content_index : f.number('content_index');
    switch (type) {
      case 'session.created':
        this.sessionStarted = true;
        break;
      case 'response.created':
        if (typeof e.response?.id === 'string') remember(this.created, e.response.id, place(f));
        return;
      case 'response.done': {
        const id = e.response?.id;
        if (typeof id !== 'string') return;
        if (!this.created.has(id)) {
          if (!this.sessionStarted) this.joinedLate(f, id);
          else this.find(f, 'done-without-created', `response.done for ${id}, which was never created`);
        }
        this.created.delete(id);
        return;
      }
      case 'response.output_item.added':
        // Without a usable index (already reported as a field problem) the item's events are not cross-checked.
        if (typeof e.item?.id === 'string' && Number.isInteger(e.output_index)) {
          this.indexVersion++;
          remember(this.outputs, `${e.response_id}:${e.output_index}`, e.item.id);
          remember(this.respOfItem, e.item.id, e.response_id);
        }
        return;
      case 'response.content_part.added':
        this.indexVersion++;
        remember(this.partsAdded, `${itemId}:${partIdx}`);
        remember(this.itemsWithParts, itemId);
        break;
    }
    // Indexes: an event naming a response, an output index and an item must agree with output_item.added.
    const li = this.lastIndexes;
    const same = li.version === this.indexVersion + evictions && li.resp === respId && li.item === itemId && li.out === outIdx && li.part === partIdx;
    if (!same && typeof respId === 'string' && typeof itemId === 'string' && typeof outIdx === 'number' && type !== 'response.output_item.added') {
      const before = this.findings.length + (this.counts['index-mismatch'] ?? 0);
      const expected = this.outputs.get(`${respId}:${outIdx}`);
      if (this.respOfItem.get(itemId) === respId && expected !== itemId) {
        this.find(f, 'index-mismatch', `output_index ${outIdx} of ${respId} is ${expected ?? 'no item'}, not ${itemId}`);
      } else if (typeof partIdx === 'number' && this.itemsWithParts.has(itemId) && !this.partsAdded.has(`${itemId}:${partIdx}`) && type !== 'response.content_part.added') {
        this.find(f, 'index-mismatch', `content_index ${partIdx} of ${itemId} was never added (response.content_part.added)`);
      }
      // Deltas repeat the same ids and indexes: while none of the maps changed, a check that passed passes again.
      if (before === this.findings.length + (this.counts['index-mismatch'] ?? 0) && type !== 'response.content_part.added') {
        this.lastIndexes = { version: this.indexVersion + evictions, resp: respId, item: itemId, out: outIdx, part: partIdx };
      }
    }
    const stream = STREAMS.get(type);
    // A delta of a response the capture never saw created: it began before the capture did.
    if (stream?.delta && !this.sessionStarted && typeof respId === 'string' && !this.created.has(respId)) this.joinedLate(f, respId);
    if (!stream || typeof itemId !== 'string') return;
    // Deltas come in runs of one item and part: the same key string again keeps its hash (Map look-ups).
    const part = type.includes('function_call') || type.includes('mcp_call') ? '' : partIdx;
    const last = this.lastKey;
    let key = last.key;
    if (last.done !== stream.done || last.item !== itemId || last.part !== part) {
      key = `${stream.done}|${itemId}|${part}`;
      this.lastKey = { done: stream.done, item: itemId, part, key };
    }
    if (stream.delta) {
      if (this.doneKeys.has(key)) this.find(f, 'delta-after-done', `${f.type} for ${itemId} after its ${stream.done}`);
      if (stream.field) remember(this.streams, key, (this.streams.get(key) ?? '') + ((e ? (typeof e.delta === 'string' ? e.delta : undefined) : f.field('delta')) ?? ''));
      return;
    }
    remember(this.doneKeys, key);
    const deltas = this.streams.get(key);
    this.streams.delete(key);
    const final = stream.field ? e?.[stream.field] : undefined;
    // A response that began before the capture may have sent deltas the capture never saw.
    const partial = typeof respId === 'string' && this.lateResponses.has(respId);
    if (deltas !== undefined && typeof final === 'string' && final !== deltas && !partial) {
      const show = (s: string) => JSON.stringify(s.length > 60 ? s.slice(0, 57) + '…' : s);
      this.find(f, 'text-mismatch', `${stream.field} ${show(final)} differs from its deltas joined: ${show(deltas)}`);
    }
  }

  /** One warning per response that began before the capture. */
  private joinedLate(f: Frame, id: string): void {
    if (this.lateResponses.has(id)) return;
    remember(this.lateResponses, id);
    this.find(f, 'joined-late', `${f.type} of ${id}, which began before the capture (it starts mid-session, with no session.created)`);
  }

  /** Findings that need the whole capture: names, responses never done. Sorted by place. */
  finish(): Finding[] {
    this.protocolRules.finish();
    // A capture is beta when its session says so, or, without a session, when it uses beta names.
    const beta = this.ga === false || (this.ga === null && this.betaSeen.size > 0);
    if (!beta) for (const m of this.gaOnlyMissing) this.find(m, 'missing-field', m.message);
    if (this.ga === true) {
      for (const [alias, { first, n }] of this.betaSeen) {
        this.find(first, 'beta-name', `"${alias}" is the beta name of ${BETA_ALIASES[alias as keyof typeof BETA_ALIASES]} in a GA session (${n} time${n === 1 ? '' : 's'})`);
      }
    }
    if (this.firstGaRenamed && this.firstBetaRenamed) {
      const later = this.firstGaRenamed.seq > this.firstBetaRenamed.seq ? this.firstGaRenamed : this.firstBetaRenamed;
      this.find(later, 'mixed-names', `GA and beta names in one capture: "${this.firstGaRenamed.type}" and "${this.firstBetaRenamed.type}"`);
    }
    for (const [id, f] of this.created) this.find(f, 'never-done', `${id} was created but never done`);
    return this.findings.sort((a, b) => (a.source === b.source ? a.line - b.line : 0));
  }
}
