/**
 * What a live session sends, and when, per protocol (PROTOCOL.md §9). Pure: options and the --send/--say/
 * --audio items in, a plan out.
 * - Realtime: everything after `session.created`; audio as `input_audio_buffer.append` (then a commit and a
 *   response when the session has no server turn detection).
 * - GPT-Live: `session.start` first (from --send, or built from --model, --instructions, --voice), then nothing
 *   until `session.started`; audio as `session.input_audio.append` (the model takes turns itself). An observer
 *   (`--attach`) never sends session.start or audio.
 * - Translation: after `session.created`, a `session.update` with the target language (--to), then audio as
 *   `session.input_audio_buffer.append` (24 kHz PCM16).
 */
import type { Protocol } from '../events/catalogue.js';
import type { Outgoing } from './outbox.js';

export interface HandshakeOptions {
  model?: string;
  instructions?: string;
  voice?: string;
  /** Translation: the language to translate into. */
  to?: string;
  /** GPT-Live: an observer of a running session. */
  attach?: string;
  callId?: string;
}

export interface Handshake {
  /** Sent as soon as the connection opens. */
  onOpen: string[];
  /** The server event after which the rest is sent; null: at once, after `onOpen`. */
  after: string | null;
  rest: Outgoing[];
  /** How audio goes: the event type, and whether to commit and ask for a response (Realtime without server VAD). */
  audio: { type: string; commit: boolean };
}

export const DEFAULT_LIVE_MODEL = 'gpt-live-1';

/** Why these options cannot be used with this protocol (a usage error), or null. */
export function handshakeProblem(protocol: Protocol, o: HandshakeOptions, items: readonly Outgoing[]): string | null {
  const name = protocol === 'live' ? 'GPT-Live' : protocol === 'translation' ? 'Realtime Translation' : 'the Realtime API';
  const said = items.some((i) => i.kind === 'events' && i.flag === '--say');
  if (said && protocol !== 'realtime') return `--say sends a text message, but ${name} takes audio: use --audio FILE.wav`;
  if (o.callId !== undefined && protocol !== 'realtime') return `--call-id is the Realtime API's sideband; for GPT-Live use --attach SESSION_ID`;
  if (o.to !== undefined && protocol !== 'translation') return `--to applies to Realtime Translation (rtev tail translate --to es), not to ${name}`;
  for (const [flag, v] of [['--instructions', o.instructions], ['--voice', o.voice]] as const) {
    if (v !== undefined && protocol !== 'live') return `${flag} applies to GPT-Live (rtev tail live ${flag} …), not to ${name}`;
    if (v !== undefined && o.attach !== undefined) return `${flag} goes in session.start, which an observer (--attach) never sends`;
  }
  if (o.attach !== undefined && items.some((i) => i.kind === 'audio')) return '--audio: an observer (--attach) never sends audio';
  if (o.attach !== undefined && items.some((i) => i.kind === 'events' && i.texts.some(isStart))) return '--send: an observer (--attach) never sends session.start';
  if (protocol === 'live' && o.attach === undefined && startInSend(items) && (o.instructions !== undefined || o.voice !== undefined)) {
    return '--send begins with session.start: give --instructions and --voice in it, not as options';
  }
  return null;
}

function isStart(text: string): boolean {
  try {
    return JSON.parse(text)?.type === 'session.start';
  } catch {
    return false;
  }
}

/** Whether the first thing to send is a session.start given with --send. */
function startInSend(items: readonly Outgoing[]): boolean {
  const first = items[0];
  return first?.kind === 'events' && first.texts.length > 0 && isStart(first.texts[0]!);
}

/** The session.start rtev builds from the options. */
export function sessionStart(o: HandshakeOptions): string {
  const session: Record<string, unknown> = { model: o.model ?? DEFAULT_LIVE_MODEL };
  if (o.instructions !== undefined) session.instructions = o.instructions;
  if (o.voice !== undefined) session.audio = { output: { voice: o.voice } };
  return JSON.stringify({ type: 'session.start', session });
}

/** The plan, once handshakeProblem has found nothing wrong. */
export function planHandshake(protocol: Protocol, o: HandshakeOptions, items: readonly Outgoing[]): Handshake {
  if (protocol === 'live') {
    const audio = { type: 'session.input_audio.append', commit: false };
    if (o.attach !== undefined) return { onOpen: [], after: null, rest: [...items], audio };
    if (startInSend(items)) {
      const [first, ...others] = items as [Outgoing & { kind: 'events' }, ...Outgoing[]];
      const rest: Outgoing[] = first.texts.length > 1 ? [{ ...first, texts: first.texts.slice(1) }, ...others] : others;
      return { onOpen: [first.texts[0]!], after: 'session.started', rest, audio };
    }
    return { onOpen: [sessionStart(o)], after: 'session.started', rest: [...items], audio };
  }
  if (protocol === 'translation') {
    const update: Outgoing[] = o.to === undefined ? [] : [{
      kind: 'events', flag: '--send', texts: [JSON.stringify({ type: 'session.update', session: { audio: { output: { language: o.to } } } })],
    }];
    return { onOpen: [], after: 'session.created', rest: [...update, ...items], audio: { type: 'session.input_audio_buffer.append', commit: false } };
  }
  return { onOpen: [], after: 'session.created', rest: [...items], audio: { type: 'input_audio_buffer.append', commit: true } };
}
