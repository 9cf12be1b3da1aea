import type { Frame } from '../events/frame.js';
import type { AudioFormat } from '../pipeline/audio-format.js';
import { MAX_JSON_DEPTH, nestsDeeper } from '../events/bounded-json.js';
import { textFrameNote } from '../record/line.js';
import type { ClientRef, ConfigEntry } from '../session/types.js';
import { escapeControls } from './escape.js';
import { otherSummary } from './summary-live.js';

/** What `cat` shows of one event besides its type: the ids that matter and a one-line summary. */
export interface Summary {
  ids: string[];
  text: string;
  /** How the text should stand out: a failure, or something to look at (cancelled, not applied). */
  tone?: 'error' | 'warn';
}

/** What the printer knows around a frame: the client event an error names, the config step a session event is. */
export interface SummaryContext {
  cause?: ClientRef | null;
  config?: ConfigEntry;
}

/** Quoted and escaped: a string from the stream, safe for a terminal. */
export function q(s: unknown): string {
  return typeof s === 'string' ? `"${escapeControls(s)}"` : '';
}

/** A duration for people: two decimals under 10 s, one under 10 min, then the two largest units. */
export function seconds(s: number): string {
  // Compared after rounding, so 599.96 s reads 10 min 0 s, not 600.0 s.
  if (s < 9.995) return `${s.toFixed(2)} s`;
  if (s < 599.95) return `${s.toFixed(1)} s`;
  const t = Math.round(s); // rounded once, so no unit reads 60
  if (t < 3600) return `${Math.floor(t / 60)} min ${t % 60} s`;
  const m = Math.round(s / 60);
  if (m < 24 * 60) return `${Math.floor(m / 60)} h ${m % 60} min`;
  const h = Math.round(s / 3600);
  return `${Math.floor(h / 24).toLocaleString('en-US')} d ${h % 24} h`;
}

/** Dollars: cents for a dollar or more, four decimals below (a turn costs fractions of a cent). */
export function usd(x: number): string {
  return x >= 1 ? `$${x.toFixed(2)}` : x === 0 ? '$0' : `$${x.toFixed(4)}`;
}

/** Milliseconds for a table: `420 ms`, `1.84 s`; `–` for null. */
export function ms(x: number | null): string {
  return x === null ? '–' : Math.abs(x) < 1000 ? `${Math.round(x)} ms` : seconds(x / 1000);
}

/** Thousands separators by hand: toLocaleString would load ICU data, which costs more than a run on small inputs. */
export function thousands(x: number): string {
  return String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function bytes(n: number): string {
  return n < 1000 ? `${n} B` : n < 1e6 ? `${(n / 1e3).toFixed(1)} KB` : n < 1e9 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e9).toFixed(2)} GB`;
}

/** Audio length and size, from bytes and the format in force. */
export function audioText(n: number, fmt: AudioFormat): string {
  if (fmt.name === 'unknown') return `${bytes(n)} of audio in an unknown format (${escapeControls(fmt.label)})`;
  const rate = fmt.name === 'pcm16' && fmt.sampleRate !== 24000 ? ` ${fmt.sampleRate / 1000} kHz` : '';
  return `${seconds(n / fmt.bytesPerSecond)} audio, ${bytes(n)}${fmt.name === 'pcm16' ? rate : ' ' + fmt.name}`;
}

/** A number field as its number; anything else (a string from the stream, say) is never shown raw. */
export function numText(v: unknown, absent = '?'): string {
  return typeof v === 'number' ? String(v) : absent;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The text a message item carries: its parts' text or transcript, joined. */
export function itemText(item: any): string {
  if (!Array.isArray(item?.content)) return '';
  return item.content.map((p: any) => str(p?.text) ?? str(p?.transcript) ?? '').filter(Boolean).join(' ');
}

function itemSummary(item: any): string {
  if (!item || typeof item !== 'object') return '';
  const status = str(item.status) ? ` ${escapeControls(item.status)}` : '';
  switch (item.type) {
    case 'message': {
      const text = itemText(item);
      return `message ${escapeControls(str(item.role) ?? '?')}${status}${text ? ' ' + q(text) : ''}`;
    }
    case 'function_call':
      return `function_call${status} ${escapeControls(str(item.name) ?? '?')}(${escapeControls(str(item.arguments) ?? '')})`;
    case 'function_call_output':
      return `function_call_output ${q(item.output)}`;
    default:
      return `${escapeControls(String(item.type ?? '?'))}${status}${str(item.name) ? ' ' + escapeControls(item.name) : ''}`;
  }
}

function usageText(u: any): string {
  if (!u || typeof u !== 'object') return '';
  const cached = u.input_token_details?.cached_tokens;
  return `in ${numText(u.input_tokens, '0')}${typeof cached === 'number' && cached ? ` (cached ${cached})` : ''} · out ${numText(u.output_tokens, '0')} tokens`;
}

/** Status, reason or code, and tokens first; a long error message last, where a narrow line cuts it. */
function responseText(r: any): string {
  if (!r || typeof r !== 'object') return '';
  const status = escapeControls(String(r.status ?? '?'));
  const d = r.status_details;
  let why = '';
  let message = '';
  if (d?.error) {
    why = ` ${escapeControls(String(d.error.code ?? d.error.type ?? ''))}`;
    if (d.error.message) message = ` · ${escapeControls(String(d.error.message))}`;
  } else if (d?.reason) why = ` (${escapeControls(String(d.reason))})`;
  const usage = r.usage ? ' · ' + usageText(r.usage) : '';
  return status + why + usage + message;
}

function sessionText(s: any): string {
  if (!s || typeof s !== 'object') return '';
  const parts: string[] = [];
  if (s.type === 'transcription' || s.object === 'realtime.transcription_session') parts.push('transcription session');
  if (str(s.model)) parts.push(escapeControls(s.model));
  const voice = s.audio?.output?.voice ?? s.voice;
  if (str(voice)) parts.push(`voice=${escapeControls(voice)}`);
  const fmt = (v: any) => escapeControls(String(typeof v === 'string' ? v : v?.type ?? '')).replace('audio/', '');
  const inF = s.audio?.input?.format ?? s.input_audio_format;
  const outF = s.audio?.output?.format ?? s.output_audio_format;
  if (inF) parts.push(`in=${fmt(inF)}`);
  if (outF) parts.push(`out=${fmt(outF)}`);
  const td = s.audio?.input?.turn_detection ?? s.turn_detection;
  if (td !== undefined) parts.push(`turn=${td === null ? 'none' : escapeControls(String(td.type))}`);
  if (Array.isArray(s.tools) && s.tools.length) parts.push(`tools=${s.tools.length}`);
  if (str(s.instructions)) parts.push(q(s.instructions));
  return parts.join(' ');
}

function rateLimitsText(list: any): string {
  if (!Array.isArray(list)) return '';
  return list
    .map((l) => `${escapeControls(String(l?.name))} ${numText(l?.remaining)}/${numText(l?.limit)}${typeof l?.reset_seconds === 'number' ? ` (reset ${seconds(l.reset_seconds)})` : ''}`)
    .join(' · ');
}

const at = (v: unknown) => (typeof v === 'number' ? seconds(v / 1000) : '?');

/** Short form of an id: enough to tell ids apart on one screen; `--wide` shows them whole. */
export function shortId(id: string, wide: boolean): string {
  const safe = escapeControls(id);
  return wide || safe.length <= 14 ? safe : safe.slice(0, 13) + '…';
}

/**
 * The summary of one frame. Audio deltas and appends are measured from their bytes, never parsed; every other
 * event is parsed here (cat must look inside them anyway).
 */
export function summarize(f: Frame, fmt: AudioFormat, wide: boolean, ctx: SummaryContext = {}): Summary {
  if (f.kind === 'text') return { ids: [], text: `text frame ${q(f.json())}` };
  if (f.kind === 'binary') {
    const size = bytes(Buffer.byteLength(String(f.json()), 'base64'));
    const note = textFrameNote(f.rawBytes());
    return { ids: [], text: note === null ? `binary frame, ${size}` : `text frame kept as bytes (${escapeControls(note)}), ${size}` };
  }
  // GPT-Live and Translation have summaries of their own (summary-live.ts); unknown types fall through.
  if (f.tag.known && f.tag.variant.protocol !== 'realtime') return otherSummary(f, fmt, wide);
  const type = f.tag.variant.type;
  // Deltas (the catalogue's streams) are read from the scanner's spans, never parsed.
  const stream = f.tag.variant.stream;
  if (stream) {
    const ids = [f.field('response_id'), f.field('item_id'), f.field('call_id')].filter((x): x is string => !!x).map((x) => shortId(x, wide));
    return { ids, text: stream.kind === 'audio' ? audioText(f.audioBytes(), fmt) : q(f.field('delta') ?? '') };
  }
  let e: any;
  try {
    e = f.json();
  } catch {
    return { ids: [], text: '(invalid JSON inside)' };
  }
  const ids = [str(e.response_id) ?? str(e.response?.id), str(e.item_id) ?? str(e.item?.id), str(e.call_id) ?? str(e.item?.call_id)]
    .filter((x): x is string => !!x)
    .map((x) => shortId(x, wide));
  const text = ctx.config && ctx.config.kind !== 'created' ? configText(ctx.config)
    : type === 'error' && ctx.cause ? errorText(e.error, ctx.cause) : f.tag.known ? eventText(f, type, e, true) : unknownText(f);
  const summary: Summary = { ids, text };
  if (type === 'response.done') {
    const status = e.response?.status;
    if (status === 'failed') summary.tone = 'error';
    else if (status === 'cancelled' || status === 'incomplete') summary.tone = 'warn';
  }
  if (ctx.config?.not_applied.length) summary.tone = 'error';
  return summary;
}

/** An error: its type, code, param and cause first, then the message, which a narrow line may cut. */
function errorText(err: any, cause?: ClientRef): string {
  if (!err || typeof err !== 'object') return '';
  const code = [err.type, err.code].filter((x) => typeof x === 'string').map(escapeControls).join(' ');
  const param = err.param ? ` (param ${escapeControls(String(err.param))})` : '';
  const by = cause ? ` ↩ ${causeText(cause)}` : '';
  const msg = typeof err.message === 'string' && err.message ? `: ${escapeControls(err.message)}` : '';
  return `${code}${param}${by}${msg}`;
}

/** The client event an error names: `#123 response.create`, or its id when the capture lacks it. */
export function causeText(c: ClientRef): string {
  return c.seq === null ? `client event ${escapeControls(c.event_id)} (not in the capture)` : `#${c.seq} ${escapeControls(c.type ?? '?')}`;
}

const value = (v: unknown) => {
  const s = escapeControls(JSON.stringify(v) ?? 'null');
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
};

/** A session.update or session.updated as what it changes, not the whole configuration again. */
function configText(c: ConfigEntry): string {
  const changes = c.changes.map((x) => `${escapeControls(x.path)}=${value(x.to)}`).join(', ');
  const lost = c.not_applied.map((x) => `${escapeControls(x.path)} (asked ${value(x.requested)}, got ${value(x.applied)})`).join(', ');
  if (c.kind === 'update') return changes ? `asks ${changes}` : 'asks for no change';
  return `${changes ? `applied ${changes}` : 'no change'}${lost ? `; NOT APPLIED ${lost}` : ''}`;
}

function eventText(f: Frame, type: string, e: any, known: boolean): string {
  switch (type) {
    case 'session.created': case 'session.updated': case 'session.update':
      return sessionText(e.session);
    case 'conversation.created':
      return escapeControls(String(e.conversation?.id ?? ''));
    case 'conversation.item.created': case 'conversation.item.added': case 'conversation.item.done':
    case 'conversation.item.retrieved': case 'response.output_item.added': case 'response.output_item.done':
    case 'conversation.item.create':
      return itemSummary(e.item);
    case 'conversation.item.truncated': case 'conversation.item.truncate':
      return `part ${numText(e.content_index)}, cut at ${at(e.audio_end_ms)}`;
    case 'conversation.item.input_audio_transcription.completed':
      return q(e.transcript);
    case 'conversation.item.input_audio_transcription.failed':
      return `${escapeControls(String(e.error?.code ?? e.error?.type ?? 'failed'))}: ${escapeControls(String(e.error?.message ?? ''))}`;
    case 'conversation.item.input_audio_transcription.segment':
      return `${escapeControls(String(e.speaker ?? '?'))} ${numText(e.start)}–${numText(e.end)} s ${q(e.text)}`;
    case 'input_audio_buffer.speech_started':
      return `at ${at(e.audio_start_ms)}`;
    case 'input_audio_buffer.speech_stopped':
      return `at ${at(e.audio_end_ms)}`;
    case 'input_audio_buffer.timeout_triggered':
      return `${at(e.audio_start_ms)}–${at(e.audio_end_ms)}`;
    case 'input_audio_buffer.dtmf_event_received':
      return `key ${q(e.event)}`;
    case 'response.created': case 'response.done':
      return responseText(e.response);
    case 'response.content_part.added': case 'response.content_part.done': {
      const p = e.part;
      const text = str(p?.text) ?? str(p?.transcript);
      return `${escapeControls(String(p?.type ?? '?'))}${text ? ' ' + q(text) : ''}`;
    }
    case 'response.output_text.done':
      return q(e.text);
    case 'response.output_audio_transcript.done':
      return q(e.transcript);
    case 'response.function_call_arguments.done':
      return `${escapeControls(String(e.name ?? '?'))}(${escapeControls(String(e.arguments ?? ''))})`;
    case 'response.mcp_call_arguments.done':
      return escapeControls(String(e.arguments ?? ''));
    case 'rate_limits.updated':
      return rateLimitsText(e.rate_limits);
    case 'error':
      return errorText(e.error);
    case 'response.create': {
      const r = e.response;
      if (!r || typeof r !== 'object') return '';
      return Object.keys(r).map(escapeControls).join(', ');
    }
    default:
      return known ? '' : unknownText(f);
  }
}

const RAW_CUT = 4096;

/** An unknown event, compact; one nested too deep to re-serialise in full is shown as its own bytes, cut. */
export function unknownText(f: Frame): string {
  const ev = f.eventBytes();
  if (!nestsDeeper(ev, 0, ev.length, MAX_JSON_DEPTH)) return escapeControls(JSON.stringify(f.json()));
  const end = Math.min(ev.length, RAW_CUT);
  return escapeControls(ev.toString('utf8', 0, end)) + (end < ev.length ? '…' : '');
}
