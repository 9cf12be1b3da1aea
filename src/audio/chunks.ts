/**
 * Which frames carry audio, whose it is and in what format, for each protocol (PROTOCOL.md §3, §9):
 * - Realtime: the client's `input_audio_buffer.append` (the user) and `response.output_audio.delta` (the
 *   assistant, one piece per response), in the session's or the response's format.
 * - GPT-Live: `session.input_audio.append` (the user: sent by the client, or on a sideband reflected by the
 *   server) and `session.output_audio.delta` (the model), both in the format `session.started` names. The model
 *   takes turns itself and names no responses: an answer is the model's audio after the user has spoken.
 * - Realtime Translation: the client's `session.input_audio_buffer.append` (24 kHz PCM16) and
 *   `session.output_audio.delta`, each delta naming its own `sample_rate`, `channels` and `format`: one stream.
 */
import type { Protocol } from '../events/catalogue.js';
import type { Frame } from '../events/frame.js';
import { AudioFormats, parseAudioFormat, PCM16, type AudioFormat } from '../pipeline/audio-format.js';

export type Side = 'user' | 'assistant';

export interface Chunk {
  protocol: Protocol;
  side: Side;
  /**
   * The piece of audio it belongs to: a response id (Realtime), `answer N` (GPT-Live), null for one continuous
   * stream (the user's audio, Translation's output) or an output delta without a response id.
   */
  piece: string | null;
  item: string | null;
  format: AudioFormat;
  /** Interleaved channels of the delta (Translation may say 2); everything else is mono. */
  channels: number;
  /** The audio's base64. */
  b64: string;
}

const UNKNOWN = (label: string): AudioFormat => ({ name: 'unknown', sampleRate: NaN, bytesPerSecond: NaN, label });

export class AudioChunks {
  /** The Realtime formats in force (session, then each response). */
  readonly formats = new AudioFormats();
  private liveFormat: AudioFormat = PCM16;
  /** GPT-Live: answers so far, and whether the user spoke since the model's last audio. */
  private answers = 0;
  private userSpoke = true;
  /** GPT-Live: the direction the user's audio comes from (a capture of both sockets would hold it twice). */
  private liveInput: 'client' | 'server' | null = null;

  /** Look at a frame (every frame: formats and turns are followed whatever a filter keeps); its audio, or null. */
  read(f: Frame): Chunk | null {
    if (f.kind !== 'event') return null;
    switch (f.tag.variant.protocol) {
      case 'live': return this.live(f);
      case 'translation': return this.translation(f);
      default: return this.realtime(f);
    }
  }

  private realtime(f: Frame): Chunk | null {
    this.formats.observe(f);
    const type = f.tag.variant.type;
    const client = f.direction === 'client';
    if (type === 'input_audio_buffer.append' && client) return chunk(f, 'user', null, this.formats.input, 1);
    if (type === 'response.output_audio.delta' && !client) {
      const rid = f.field('response_id') ?? null;
      return chunk(f, 'assistant', rid, this.formats.outputFor(rid ?? undefined), 1);
    }
    return null;
  }

  private live(f: Frame): Chunk | null {
    const type = f.tag.variant.type;
    const dir = f.direction;
    if ((type === 'session.started' || type === 'session.updated') && dir === 'server') {
      const fmt = parseAudioFormat(f.tryJson()?.session?.audio?.format);
      if (fmt) this.liveFormat = fmt;
      return null;
    }
    if (type === 'session.input_transcript.delta' && dir === 'server') {
      this.userSpoke = true;
      return null;
    }
    if (type === 'session.input_audio.append') {
      this.liveInput ??= dir;
      return dir === this.liveInput ? chunk(f, 'user', null, this.liveFormat, 1) : null;
    }
    if (type === 'session.output_audio.delta' && dir === 'server') {
      if (this.userSpoke) this.answers++;
      this.userSpoke = false;
      return chunk(f, 'assistant', `answer ${this.answers}`, this.liveFormat, 1);
    }
    return null;
  }

  private translation(f: Frame): Chunk | null {
    const type = f.tag.variant.type;
    const dir = f.direction;
    if (type === 'session.input_audio_buffer.append' && dir === 'client') return chunk(f, 'user', null, PCM16, 1);
    if (type !== 'session.output_audio.delta' || dir !== 'server') return null;
    // Each delta names its format; only these small fields are read (the delta is decoded anyway).
    const e = f.tryJson();
    const channels = e?.channels === undefined ? 1 : e.channels;
    let fmt = parseAudioFormat(e?.format ?? 'pcm16', e?.sample_rate) ?? PCM16;
    if (channels !== 1 && channels !== 2) fmt = UNKNOWN(`${fmt.label}, ${JSON.stringify(channels)} channels`);
    return chunk(f, 'assistant', null, fmt, channels === 2 ? 2 : 1);
  }
}

function chunk(f: Frame, side: Side, piece: string | null, format: AudioFormat, channels: number): Chunk | null {
  const b64 = f.field('delta'); // the scanner's audio field: `delta`, or a client append's `audio`
  if (b64 === undefined) return null;
  return { protocol: f.tag.variant.protocol, side, piece, item: f.field('item_id') ?? null, format, channels, b64 };
}
