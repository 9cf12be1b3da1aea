import type { Frame } from '../events/frame.js';

/** An audio format of PROTOCOL.md §3: 16-bit PCM at 24 kHz, or G.711 µ-law / A-law at 8 kHz (all mono). */
export interface AudioFormat {
  readonly name: 'pcm16' | 'pcmu' | 'pcma';
  readonly sampleRate: number;
  readonly bytesPerSecond: number;
}

export const PCM16: AudioFormat = { name: 'pcm16', sampleRate: 24000, bytesPerSecond: 48000 };
export const PCMU: AudioFormat = { name: 'pcmu', sampleRate: 8000, bytesPerSecond: 8000 };
export const PCMA: AudioFormat = { name: 'pcma', sampleRate: 8000, bytesPerSecond: 8000 };

/** A GA format object (`{type:"audio/pcmu"}`) or a beta name (`"g711_ulaw"`); null when absent or unknown. */
export function parseAudioFormat(v: unknown): AudioFormat | null {
  const t = typeof v === 'string' ? v : (v as { type?: unknown } | null)?.type;
  switch (t) {
    case 'audio/pcm': case 'pcm16': return PCM16;
    case 'audio/pcmu': case 'g711_ulaw': return PCMU;
    case 'audio/pcma': case 'g711_alaw': return PCMA;
    default: return null;
  }
}

/**
 * The audio formats in force as a capture goes on: the session's input and output formats (GA or beta
 * fields), and each response's own output format from `response.created`. Only those few events are parsed.
 */
export class AudioFormats {
  input: AudioFormat = PCM16;
  output: AudioFormat = PCM16;
  private readonly byResponse = new Map<string, AudioFormat>();

  /** Look at a frame; returns true when it was one that sets formats. */
  observe(f: Frame): boolean {
    const type = f.tag.variant.type;
    if (f.dir === 'client') return false;
    if (type === 'session.created' || type === 'session.updated') {
      const s = f.json()?.session;
      if (!s || typeof s !== 'object') return true;
      this.input = parseAudioFormat(s.audio?.input?.format) ?? parseAudioFormat(s.input_audio_format) ?? this.input;
      this.output = parseAudioFormat(s.audio?.output?.format) ?? parseAudioFormat(s.output_audio_format) ?? this.output;
      return true;
    }
    if (type === 'response.created') {
      const r = f.json()?.response;
      const fmt = parseAudioFormat(r?.audio?.output?.format) ?? parseAudioFormat(r?.output_audio_format);
      if (fmt && typeof r.id === 'string') {
        // Bounded: a capture that never finishes its responses must not grow this without end.
        if (this.byResponse.size > 10000) this.byResponse.clear();
        this.byResponse.set(r.id, fmt);
      }
      return true;
    }
    return false;
  }

  /** The format of an output audio delta of this response. */
  outputFor(responseId: string | undefined): AudioFormat {
    return (responseId !== undefined && this.byResponse.get(responseId)) || this.output;
  }

  /** The format of a frame carrying audio: server deltas use the output format, client appends the input. */
  of(f: Frame): AudioFormat {
    return f.dir === 'client' ? this.input : this.outputFor(f.field('response_id'));
  }
}
