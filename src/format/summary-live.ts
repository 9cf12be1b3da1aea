/**
 * `cat`'s one-line summaries of GPT-Live and Realtime Translation events (PROTOCOL.md §9), one per variant:
 * their payloads differ from Realtime's even where the names are the same. Audio is measured from its bytes,
 * never parsed. Every string from the stream passes through escapeControls (via `q`, `esc`); numbers are shown
 * only when they are numbers.
 */
import type { Frame } from '../events/frame.js';
import type { AudioFormat } from '../pipeline/audio-format.js';
import { escapeControls } from './escape.js';
import { audioText, q, seconds, shortId, type Summary } from './summary.js';

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const esc = (v: unknown): string => (typeof v === 'string' ? escapeControls(v) : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** A time on the session's audio clock (ms): `21.20 s`. */
const at = (v: unknown): string | undefined => (num(v) === undefined ? undefined : seconds((v as number) / 1000));
const join = (...parts: (string | undefined | false)[]) => parts.filter(Boolean).join(' ');

/** `21.20–21.40 s`, or what there is of it. */
function span(start: unknown, end: unknown): string | undefined {
  const s = at(start), e = at(end);
  if (s && e) return `${s.replace(/ s$/, '')}–${e}`;
  return s ?? e;
}

function ids(wide: boolean, ...list: unknown[]): string[] {
  return list.filter((x): x is string => typeof x === 'string' && x !== '').map((x) => shortId(x, wide));
}

/** A JSON value, compact and cut: for settings shown as `key=value`. */
function value(v: unknown): string {
  const s = escapeControls(typeof v === 'string' ? v : JSON.stringify(v) ?? 'null');
  return s.length > 40 ? s.slice(0, 39) + '…' : s;
}

function formatText(f: unknown): string | undefined {
  if (!f || typeof f !== 'object') return undefined;
  const t = esc((f as { type?: unknown }).type).replace('audio/', '');
  const rate = num((f as { rate?: unknown }).rate);
  return t ? `${t}${rate && rate !== 24000 && t === 'pcm' ? ` ${rate / 1000} kHz` : ''}` : undefined;
}

/** `error` in either protocol: `type code: message (param x)`, and the client event it names. */
function errorText(e: any): string {
  const err = e.error ?? {};
  const code = [err.type, err.code].filter((x) => typeof x === 'string').map(escapeControls).join(' ');
  const msg = str(err.message) ? `: ${escapeControls(err.message)}` : '';
  const param = str(err.param) ? ` (param ${escapeControls(err.param)})` : '';
  const cause = str(err.client_event_id) ?? str(e.client_event_id);
  return `${code}${msg}${param}${cause ? ` ↩ client event ${escapeControls(cause)}` : ''}`;
}

/** A Responses-API item (in a nested event, or sent with response.item.create). */
function itemText(item: any): string {
  if (!item || typeof item !== 'object') return '';
  switch (item.type) {
    case 'function_call':
      return join('function_call', esc(item.status), `${esc(item.name) || '?'}(${esc(item.arguments)})`);
    case 'function_call_output':
      return join('function_call_output', esc(item.call_id), q(item.output));
    case 'message': {
      const text = Array.isArray(item.content) ? item.content.map((c: any) => str(c?.text) ?? '').filter(Boolean).join(' ') : str(item.content) ?? '';
      return join('message', esc(item.role), esc(item.status), text && q(text));
    }
    default:
      return join(esc(item.type) || '?', esc(item.status), esc(item.name));
  }
}

function usageText(u: any): string | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const i = num(u.input_tokens), o = num(u.output_tokens);
  if (i === undefined && o === undefined) return undefined;
  return `in ${i ?? 0} · out ${o ?? 0} tokens`;
}

/** What a nested Responses-API stream event says (`response.output_text.delta` → its text). */
function responsesText(n: any): string {
  const type = str(n.type) ?? '';
  if (/^response\.(created|in_progress|completed|failed|incomplete|queued)$/.test(type)) {
    const r = n.response ?? {};
    const why = str(r.error?.code) ?? str(r.incomplete_details?.reason);
    return join(esc(r.model), esc(r.status), why && `(${escapeControls(why)})`, usageText(r.usage) && `· ${usageText(r.usage)}`);
  }
  if (type.endsWith('.delta')) return q(n.delta);
  switch (type) {
    case 'response.output_text.done': return q(n.text);
    case 'response.function_call_arguments.done': return join(esc(n.name), esc(n.arguments));
    case 'response.output_item.added': case 'response.output_item.done': return itemText(n.item);
    case 'response.content_part.added': case 'response.content_part.done': return join(esc(n.part?.type), str(n.part?.text) && q(n.part.text));
    case 'error': return errorText({ error: n });
    default: return '';
  }
}

/** A decision's answers: `yes (0.93)`, `score 4`, `refused`. */
function decisionText(d: any): string {
  if (!d || typeof d !== 'object') return '';
  const answers = Array.isArray(d.answers) ? d.answers : [];
  const shown = answers.slice(0, 3).map((a: any) => {
    switch (a?.type) {
      case 'predicate': return `${esc(a.name) || 'predicate'} ${num(a.probability) ?? '?'}`;
      case 'choice': return `${typeof a.choice === 'boolean' ? String(a.choice) : q(a.choice)} (${num(a.confidence) ?? '?'})`;
      case 'score': return `score ${num(a.score) ?? '?'}`;
      case 'refusal': return 'refused';
      default: return esc(a?.type) || '?';
    }
  });
  return join(esc(d.model), shown.join(', '), answers.length > 3 && `+${answers.length - 3} more`);
}

/** A Live session object (session.start, session.started, session.updated): model, voice, format, instructions. */
function liveSession(s: any): string {
  if (!s || typeof s !== 'object') return '';
  const d = s.delegation;
  const delegation = d && typeof d === 'object'
    ? `delegation=${esc(d.type) || '?'}${str(d.responses?.model) ? `(${escapeControls(d.responses.model)})` : ''}`
    : undefined;
  const settings = d?.responses && typeof d.responses === 'object'
    ? Object.entries(d.responses).filter(([k]) => k !== 'model').slice(0, 4).map(([k, v]) => `${escapeControls(k)}=${value(v)}`).join(' ')
    : '';
  return join(
    esc(s.id) && shortId(s.id, false), esc(s.model), str(s.audio?.output?.voice) && `voice=${escapeControls(s.audio.output.voice)}`,
    formatText(s.audio?.format), str(s.status) && s.status !== 'active' && `status=${escapeControls(s.status)}`,
    delegation, settings, str(s.instructions) && q(s.instructions),
  );
}

/** A Translation session (created, updated, or what an update asks): languages, transcription, noise reduction. */
function translationSession(s: any, asked = false): string {
  if (!s || typeof s !== 'object') return '';
  const input = s.audio?.input ?? {};
  const from = str(input.transcription?.language) ?? str(input.language);
  const to = str(s.audio?.output?.language);
  const noise = input.noise_reduction === null ? 'off' : str(input.noise_reduction?.type);
  return join(
    esc(s.id) && shortId(s.id, false), esc(s.model),
    (from || to) && `${from ? escapeControls(from) : asked ? '' : 'auto'} → ${to ? escapeControls(to) : '?'}`.trimStart(),
    str(input.transcription?.model) && `transcription=${escapeControls(input.transcription.model)}`,
    noise && `noise_reduction=${escapeControls(noise)}`,
  );
}

/** The summary of a GPT-Live or Translation event the catalogue knows. */
export function otherSummary(f: Frame, fmt: AudioFormat, wide: boolean): Summary {
  const v = f.tag.variant;
  // Audio: measured from the bytes (base64 in `delta` or `audio`), with its clock from the scanner.
  if (v.family === 'audio' || v.family === 'input_audio') {
    if (f.fieldKind('audio') === 'string') {
      const clock = v.protocol === 'translation' ? at(f.num('elapsed_ms')) : span(f.num('start_ms'), f.num('end_ms'));
      return { ids: [], text: join(v.type === 'session.output_audio.fixture.play' && 'fixture,', audioText(f.audioBytes(), fmt), clock && `at ${clock}`) };
    }
  }
  let e: any;
  try {
    e = f.json();
  } catch {
    return { ids: [], text: '(invalid JSON inside)' };
  }
  if (!e || typeof e !== 'object') return { ids: [], text: '' };
  return v.protocol === 'live' ? liveText(f, e, wide) : translationText(f, e);
}

function liveText(f: Frame, e: any, wide: boolean): Summary {
  const type = f.tag.variant.type;
  const ack = str(e.client_event_id) ? ` ↩ ${escapeControls(e.client_event_id)}` : '';
  switch (type) {
    case 'session.start': case 'session.started': case 'session.updated':
      return { ids: [], text: liveSession(e.session) + ack };
    case 'session.update':
      return { ids: [], text: `asks ${liveSession(e.session) || esc(Object.keys(e.session ?? {}).join(', '))}` };
    case 'session.instructions.append': case 'session.thinking.append': case 'session.commentary.append':
      return { ids: ids(wide, e.delegation_id), text: q(e.content) };
    case 'session.instructions.appended': case 'session.thinking.appended': case 'session.commentary.appended':
      return { ids: [], text: join(span(e.start_ms, e.end_ms) && `at ${span(e.start_ms, e.end_ms)}`) + ack };
    case 'session.input_transcript.delta': case 'session.output_transcript.delta': {
      const clock = span(e.start_ms, e.end_ms);
      return { ids: [], text: join(q(e.delta), clock && `(${clock})`) };
    }
    case 'session.delegation.created': {
      const d = e.delegation ?? {};
      return { ids: ids(wide, d.id, d.response_id), text: join(esc(d.type), str(d.target) && `→ ${escapeControls(d.target)}`, at(e.offset_ms) && `at ${at(e.offset_ms)}`) + ack };
    }
    case 'response.event': case 'decision.event': {
      const n = e.event && typeof e.event === 'object' ? e.event : {};
      const inner = type === 'response.event' ? responsesText(n) : decisionText(n.decision);
      const seqNo = num(n.sequence_number);
      const nested = str(n.type) ? escapeControls(n.type) : '?';
      return {
        ids: ids(wide, e.delegation_id, str(n.response?.id) ?? n.response_id, n.item_id),
        text: join(`→ ${nested}`, inner, seqNo !== undefined && `#${seqNo}`),
        tone: /\.(failed|incomplete)$|^error$/.test(nested) ? 'error' : undefined,
      };
    }
    case 'response.item.create': case 'decision.item.create': case 'decision.item.created':
      return { ids: [], text: itemText(e.item) + ack };
    case 'decision.item.delete': case 'decision.item.deleted':
      return { ids: ids(wide, e.item_id), text: ack.trim() };
    case 'response.create':
      return { ids: [], text: e.response && typeof e.response === 'object' ? esc(Object.keys(e.response).join(', ')) : '' };
    case 'session.usage.updated': {
      const used = num(e.usage?.seconds), ratio = num(e.context_window?.usage_ratio);
      return { ids: [], text: join(used !== undefined && `${seconds(used)} used`, ratio !== undefined && `· context ${(ratio * 100).toFixed(1)}%`) };
    }
    case 'session.closed': {
      const used = num(e.usage?.seconds);
      const reason = str(e.reason);
      return {
        ids: [], text: join(reason ? escapeControls(reason) : 'no reason', used !== undefined && `· ${seconds(used)} used`) + ack,
        tone: reason === 'content' || reason === 'connection_lost' ? 'error' : reason === 'expired' ? 'warn' : undefined,
      };
    }
    case 'error':
      return { ids: [], text: errorText(e), tone: 'error' };
    case 'info':
      return { ids: [], text: `${esc(e.code)}${str(e.message) ? `: ${escapeControls(e.message)}` : ''}` };
    case 'transport.dtmf.received': case 'transport.dtmf.send':
      return { ids: [], text: `key ${q(e.event)}` };
    case 'transport.ringing': case 'transport.answered':
      return { ids: ids(wide, e.session_id), text: '' };
    case 'transport.failed':
      return { ids: ids(wide, e.session_id), text: errorText(e), tone: 'error' };
    default:
      return { ids: [], text: ack.trim() };
  }
}

function translationText(f: Frame, e: any): Summary {
  switch (f.tag.variant.type) {
    case 'session.created': case 'session.updated':
      return { ids: [], text: translationSession(e.session) };
    case 'session.update':
      return { ids: [], text: `asks ${translationSession(e.session, true)}`.trimEnd() };
    case 'session.input_transcript.delta': case 'session.output_transcript.delta':
      return { ids: [], text: join(q(e.delta), at(e.elapsed_ms) && `at ${at(e.elapsed_ms)}`) };
    case 'error':
      return { ids: [], text: errorText(e), tone: 'error' };
    default:
      return { ids: [], text: '' };
  }
}

