import { linearToAlaw, linearToUlaw, pcmBytes, resample } from '../audio/wav.js';
import type { AudioFormat } from '../pipeline/audio-format.js';
import type { Outgoing } from './outbox.js';

export interface SenderIo {
  /** Send one client event's text (and record it). */
  send(text: string): void;
  closed(): boolean;
  /** How many server frames have arrived (for `timed` items, which keep a recording's order). */
  received?(): number;
}

const CHUNK_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The bytes of audio in the session's input format: PCM16 at 24 kHz, or G.711 at 8 kHz. */
export function encodeFor(pcm: Outgoing & { kind: 'audio' }, fmt: AudioFormat): Buffer {
  const r = resample(pcm.pcm, fmt.sampleRate);
  if (fmt.name === 'pcm16') return pcmBytes(r.samples);
  const enc = fmt.name === 'pcmu' ? linearToUlaw : linearToAlaw;
  const out = Buffer.alloc(r.samples.length);
  for (let i = 0; i < out.length; i++) out[i] = enc(r.samples[i]!);
  return out;
}

/** How audio goes on this protocol (handshake.ts): its event type, and whether to commit and ask for a response. */
export interface AudioPlan {
  type: string;
  commit: boolean;
}

const REALTIME_AUDIO: AudioPlan = { type: 'input_audio_buffer.append', commit: true };

/**
 * Send everything in order. Audio goes as `input_audio_buffer.append` (or the protocol's own append) in ~100 ms
 * chunks at real-time pace (or as fast as possible), then, for Realtime when the session has no server turn
 * detection, a commit and a response.
 */
export async function sendAll(items: Outgoing[], io: SenderIo, session: { input: AudioFormat; serverVad: boolean }, audioSpeed: 'real' | 'max', plan: AudioPlan = REALTIME_AUDIO): Promise<void> {
  for (const item of items) {
    if (io.closed()) return;
    if (item.kind === 'events') {
      for (const t of item.texts) io.send(t);
      continue;
    }
    if (item.kind === 'timed') {
      const start = Date.now();
      for await (const { ms, after, text } of item.frames) {
        const due = start + ms - Date.now();
        if (due > 1) await sleep(due);
        // Not before the server frames that came before it (2 s at most: a server may send fewer).
        for (const until = Date.now() + 2000; (io.received?.() ?? after) < after && !io.closed() && Date.now() < until;) await sleep(2);
        if (io.closed()) return;
        io.send(text);
      }
      continue;
    }
    const bytes = encodeFor(item, session.input);
    const chunk = Math.round((session.input.bytesPerSecond * CHUNK_MS) / 1000);
    const start = Date.now();
    for (let off = 0, i = 0; off < bytes.length; off += chunk, i++) {
      if (io.closed()) return;
      if (audioSpeed === 'real') {
        const due = start + i * CHUNK_MS - Date.now();
        if (due > 1) await sleep(due);
      }
      io.send(JSON.stringify({ type: plan.type, audio: bytes.subarray(off, off + chunk).toString('base64') }));
    }
    if (plan.commit && !session.serverVad) {
      io.send(JSON.stringify({ type: 'input_audio_buffer.commit' }));
      io.send(JSON.stringify({ type: 'response.create' }));
    }
  }
}
