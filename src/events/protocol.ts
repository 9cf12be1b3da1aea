import { catalogueOf } from './catalogue.js';
import type { Frame } from './frame.js';
import { PROTOCOLS, type Protocol } from './variant.js';

/**
 * The protocol an endpoint speaks, from its path (PROTOCOL.md §9): `/v1/realtime/translations` is Translation,
 * `/v1/live/sessions` (and its `/attach` and `/fork` paths) is GPT-Live, `/v1/realtime` (also Azure's
 * `/openai/v1/realtime` and `/openai/realtime`) is Realtime. Null when the path says nothing.
 */
export function protocolFromUrl(url: string): Protocol | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.replace(/[?#].*$/, '');
  }
  if (/\/realtime\/translations(\/|$)/.test(path)) return 'translation';
  if (/\/live\/sessions(\/|$)/.test(path)) return 'live';
  if (/\/realtime(\/|$)/.test(path)) return 'realtime';
  return null;
}

export function isProtocol(name: string): name is Protocol {
  return (PROTOCOLS as readonly string[]).includes(name);
}

// Names some server may send anywhere: never decisive on their own.
const GENERIC = new Set(['error', 'info']);

/** The one protocol whose catalogue knows this type, or null when none or several do. */
function onlyProtocolOf(type: string): Protocol | null {
  if (GENERIC.has(type)) return null;
  let found: Protocol | null = null;
  for (const p of PROTOCOLS) {
    if (!catalogueOf(p).tags.has(type)) continue;
    if (found !== null) return null;
    found = p;
  }
  return found;
}

/**
 * What one early frame says about the protocol of its stream, or null when it says nothing. `session()` gives
 * the frame's `session` object, parsed only for the session events that need it (Realtime and Translation
 * share `session.created`; its `session.type` tells them apart).
 */
export function protocolHint(type: string, session: () => unknown): Protocol | null {
  if (type === 'session.created' || type === 'session.updated') {
    const s = session() as { type?: unknown; object?: unknown } | null | undefined;
    if (s?.type === 'translation') return 'translation';
    if (s?.type === 'realtime' || s?.type === 'transcription' || (typeof s?.object === 'string' && s.object.startsWith('realtime.'))) return 'realtime';
    return null;
  }
  return onlyProtocolOf(type);
}

/**
 * What one frame says about its protocol: its type (protocolHint), or for the deltas GPT-Live and Translation
 * share, their clock: Translation stamps `elapsed_ms` (and audio `sample_rate`), GPT-Live `start_ms`/`end_ms`.
 */
export function protocolOfFrame(f: Frame): Protocol | null {
  if (f.kind !== 'event') return null;
  const hint = protocolHint(f.type, () => f.tryJson()?.session);
  if (hint !== null || !SHARED_DELTAS.has(f.type)) return hint;
  if (f.num('elapsed_ms') !== undefined || f.num('sample_rate') !== undefined) return 'translation';
  if (f.num('start_ms') !== undefined || f.num('end_ms') !== undefined) return 'live';
  return null;
}

const SHARED_DELTAS = new Set(['session.input_transcript.delta', 'session.output_transcript.delta', 'session.output_audio.delta']);
