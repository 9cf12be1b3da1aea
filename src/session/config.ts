/**
 * The session's configuration over time: what `session.created` set, what each `session.update` asked to
 * change, and what the `session.updated` that answered it applied. Beta-shaped sessions are mapped to GA paths
 * (PROTOCOL.md §2.6), so that a beta `turn_detection.silence_duration_ms` and a GA
 * `audio.input.turn_detection.silence_duration_ms` are one setting.
 */
import type { ConfigEntry } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Fields that identify or time a session rather than configure it. */
const VOLATILE = new Set(['id', 'object', 'expires_at', 'client_secret', 'event_id']);

/** Beta session fields and the GA path each became. */
const BETA_PATHS: Readonly<Record<string, string>> = {
  modalities: 'output_modalities',
  voice: 'audio.output.voice',
  speed: 'audio.output.speed',
  input_audio_format: 'audio.input.format',
  output_audio_format: 'audio.output.format',
  input_audio_transcription: 'audio.input.transcription',
  turn_detection: 'audio.input.turn_detection',
  input_audio_noise_reduction: 'audio.input.noise_reduction',
  max_response_output_tokens: 'max_output_tokens',
  // Azure Voice Live names the input rate beside the format.
  input_audio_sampling_rate: 'audio.input.format.rate',
};

/** Beta format names as GA format objects. */
function gaFormat(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  switch (v) {
    case 'pcm16': return { type: 'audio/pcm', rate: 24000 };
    case 'g711_ulaw': return { type: 'audio/pcmu' };
    case 'g711_alaw': return { type: 'audio/pcma' };
  }
  const hz = /^pcm16-(\d+)hz$/i.exec(v);
  return hz ? { type: 'audio/pcm', rate: Number(hz[1]) } : { type: v };
}

function setPath(o: Obj, path: string, v: unknown): void {
  const parts = path.split('.');
  let cur = o;
  for (const p of parts.slice(0, -1)) {
    if (!isObj(cur[p])) cur[p] = Object.create(null);
    cur = cur[p] as Obj;
  }
  cur[parts[parts.length - 1]!] = v;
}

const MAX_DEPTH = 12;

/** A copy made of plain data, null-prototype objects, at most MAX_DEPTH deep (deeper values become their JSON). */
function copy(v: unknown, depth = 0): unknown {
  if (Array.isArray(v)) return depth >= MAX_DEPTH ? '[…]' : v.map((x) => copy(x, depth + 1));
  if (!isObj(v)) return v;
  if (depth >= MAX_DEPTH) return '{…}';
  const o: Obj = Object.create(null);
  for (const [k, x] of Object.entries(v)) o[k] = copy(x, depth + 1);
  return o;
}

/**
 * A session object (GA or beta, full or partial) in GA shape: beta fields moved to their GA paths, formats as
 * `{type, rate}`, tools by name, identifying fields dropped. Nothing is added that the object did not carry.
 */
export function normalizeSession(s: unknown): Obj {
  const out: Obj = Object.create(null);
  if (!isObj(s)) return out;
  for (const [k, v] of Object.entries(s)) {
    if (VOLATILE.has(k) || Object.hasOwn(BETA_PATHS, k)) continue;
    out[k] = k === 'tools' && Array.isArray(v) ? v.map(toolName) : copy(v);
  }
  for (const [beta, path] of Object.entries(BETA_PATHS)) {
    if (!Object.hasOwn(s, beta)) continue;
    const v = s[beta];
    setPath(out, path, path.endsWith('.format') ? gaFormat(v) : copy(v));
  }
  const audio = out.audio;
  if (isObj(audio)) {
    for (const side of ['input', 'output']) {
      const a = audio[side];
      if (isObj(a) && typeof a.format === 'string') a.format = gaFormat(a.format);
    }
  }
  return out;
}

function toolName(t: unknown): unknown {
  if (!isObj(t)) return t;
  return typeof t.name === 'string' ? t.name : typeof t.server_label === 'string' ? t.server_label : typeof t.type === 'string' ? t.type : '?';
}

/** Every leaf of a config: dotted path → value (arrays and null are leaves). */
export function flatten(o: Obj, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && Object.keys(v).length) flatten(v, path, out);
    else out.set(path, v);
  }
  return out;
}

/**
 * The value at a dotted path: `found` false when not even its first segment exists (the server does not report
 * that setting). Below a null or a missing key the value is null: the setting is off or absent.
 */
export function getPath(o: Obj, path: string): { found: boolean; value: unknown } {
  const parts = path.split('.');
  if (!Object.hasOwn(o, parts[0]!)) return { found: false, value: undefined };
  let cur: unknown = o;
  for (const p of parts) {
    if (!isObj(cur) || !Object.hasOwn(cur, p)) return { found: true, value: null };
    cur = cur[p];
  }
  return { found: true, value: cur ?? null };
}

/** JSON with sorted keys: equality of plain data. */
function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}
export const sameValue = (a: unknown, b: unknown) => canon(a) === canon(b);

/** What changed between two configurations, leaf by leaf, in the order of `to` then `from`. */
export function diffConfig(from: Obj, to: Obj): ConfigEntry['changes'] {
  const a = flatten(from);
  const b = flatten(to);
  const changes: ConfigEntry['changes'] = [];
  // An absent leaf is null, as for a session.update's changes.
  for (const [path, v] of b) if (!sameValue(getPath(from, path).value, v)) changes.push({ path, from: getPath(from, path).value ?? null, to: v });
  // Leaves that went away, unless a change above already covers them (a parent set to null, or filled in).
  const covered = (path: string) => {
    for (let i = path.lastIndexOf('.'); i > 0; i = path.lastIndexOf('.', i - 1)) if (b.has(path.slice(0, i))) return true;
    for (const k of b.keys()) if (k.startsWith(path + '.')) return true;
    return false;
  };
  for (const [path, v] of a) {
    if (b.has(path) || covered(path)) continue;
    const now = getPath(to, path).value;
    if (!sameValue(v, now)) changes.push({ path, from: v, to: now });
  }
  return changes;
}

/** A session.update waiting for its session.updated. */
interface Pending { eventId: string | null; requested: Obj }

/**
 * Follows the configuration through a capture. Each `session.updated` answers the oldest `session.update` not
 * yet answered (or rejected by an `error` that names its event id).
 */
export class ConfigTracker {
  /** The configuration in force: the last one the server reported. */
  current: Obj | null = null;
  private readonly pending: Pending[] = [];

  created(seq: number, ts: string | null, session: unknown): ConfigEntry {
    const config = normalizeSession(session);
    this.current = config;
    return { seq, ts, kind: 'created', config, changes: [], not_applied: [] };
  }

  update(seq: number, ts: string | null, eventId: string | null, session: unknown): ConfigEntry {
    const requested = normalizeSession(session);
    // Bounded: a client that never hears back must not grow this.
    if (this.pending.length >= 64) this.pending.shift();
    this.pending.push({ eventId, requested });
    const now = this.current ?? Object.create(null);
    const changes: ConfigEntry['changes'] = [];
    for (const [path, to] of flatten(requested)) {
      const from = getPath(now, path).value ?? null;
      if (!sameValue(from, to)) changes.push({ path, from, to });
    }
    return { seq, ts, kind: 'update', config: requested, changes, not_applied: [] };
  }

  updated(seq: number, ts: string | null, session: unknown): ConfigEntry {
    const config = normalizeSession(session);
    // With no configuration known before (a capture without session.created), everything it reports is new, as
    // for a session.update in that case: "no change" would say the opposite.
    const changes = diffConfig(this.current ?? Object.create(null), config);
    const asked = this.pending.shift();
    const not_applied: ConfigEntry['not_applied'] = [];
    if (asked) {
      for (const [path, requested] of flatten(asked.requested)) {
        const applied = getPath(config, path);
        if (applied.found && !sameValue(applied.value, requested)) not_applied.push({ path, requested, applied: applied.value });
      }
    }
    this.current = config;
    return { seq, ts, kind: 'updated', config, changes, not_applied };
  }

  /** An error named this client event: if it was a pending session.update, it will not be answered. */
  rejected(eventId: string): void {
    const i = this.pending.findIndex((p) => p.eventId === eventId);
    if (i >= 0) this.pending.splice(i, 1);
  }
}

/** The settings people look at first, from a GA-shaped config. */
export interface ConfigSummary {
  model: string | null;
  voice: string | null;
  input_format: string | null;
  output_format: string | null;
  turn_detection: { type: string; threshold: number | null; silence_duration_ms: number | null; prefix_padding_ms: number | null; eagerness: string | null } | null;
  /** The transcription model, or null when transcription is off. */
  transcription: string | null;
  noise_reduction: string | null;
  tools: string[];
  instructions: string | null;
}

const s = (v: unknown) => (typeof v === 'string' ? v : null);
const n = (v: unknown) => (typeof v === 'number' ? v : null);

export function formatName(f: unknown): string | null {
  if (!isObj(f) || typeof f.type !== 'string') return null;
  return typeof f.rate === 'number' ? `${f.type} ${f.rate / 1000} kHz` : f.type === 'audio/pcmu' || f.type === 'audio/pcma' ? `${f.type} 8 kHz` : f.type;
}

export function summarizeConfig(c: Obj): ConfigSummary {
  const audio = isObj(c.audio) ? c.audio : {};
  const input = isObj(audio.input) ? audio.input : {};
  const output = isObj(audio.output) ? audio.output : {};
  const td = input.turn_detection;
  const tr = input.transcription;
  const nr = input.noise_reduction;
  return {
    model: s(c.model),
    voice: s(output.voice),
    input_format: formatName(input.format),
    output_format: formatName(output.format),
    turn_detection: isObj(td)
      ? { type: s(td.type) ?? '?', threshold: n(td.threshold), silence_duration_ms: n(td.silence_duration_ms), prefix_padding_ms: n(td.prefix_padding_ms), eagerness: s(td.eagerness) }
      : null,
    transcription: isObj(tr) ? s(tr.model) ?? '?' : null,
    noise_reduction: isObj(nr) ? s(nr.type) ?? '?' : null,
    tools: Array.isArray(c.tools) ? c.tools.map((t) => String(t)) : [],
    instructions: s(c.instructions),
  };
}
