import type { Frame } from '../events/frame.js';

/**
 * An audio format of PROTOCOL.md §3, all mono: 16-bit PCM (24 kHz on OpenAI; other rates when a server's
 * session says so), G.711 µ-law / A-law at 8 kHz, or a format rtev does not know (`unknown`: its length in
 * seconds cannot be told, so `bytesPerSecond` is NaN and callers must say so rather than guess).
 */
export interface AudioFormat {
  readonly name: 'pcm16' | 'pcmu' | 'pcma' | 'unknown';
  readonly sampleRate: number;
  readonly bytesPerSecond: number;
  /** How the capture named it, for messages: `audio/pcm`, `g711_ulaw`, `opus`. */
  readonly label: string;
}

export const PCM16: AudioFormat = { name: 'pcm16', sampleRate: 24000, bytesPerSecond: 48000, label: 'audio/pcm' };
export const PCMU: AudioFormat = { name: 'pcmu', sampleRate: 8000, bytesPerSecond: 8000, label: 'audio/pcmu' };
export const PCMA: AudioFormat = { name: 'pcma', sampleRate: 8000, bytesPerSecond: 8000, label: 'audio/pcma' };

const pcmCache = new Map<number, AudioFormat>([[24000, PCM16]]);

/** 16-bit PCM at this rate (Hz). */
export function pcm16At(rate: number): AudioFormat {
  let f = pcmCache.get(rate);
  if (!f) {
    f = { name: 'pcm16', sampleRate: rate, bytesPerSecond: rate * 2, label: `audio/pcm ${rate} Hz` };
    if (pcmCache.size < 64) pcmCache.set(rate, f);
  }
  return f;
}

const validRate = (r: unknown): r is number => typeof r === 'number' && Number.isInteger(r) && r >= 1000 && r <= 384000;

/**
 * A GA format object (`{type:"audio/pcm", rate:16000}`, `{type:"audio/pcmu"}`), a beta name (`"pcm16"`,
 * `"g711_ulaw"`), or Azure Voice Live's `"pcm16-16000hz"`. Null when absent; `unknown` when named but not known.
 * `rate` is a rate the session gives beside a format name (Voice Live's `input_audio_sampling_rate`).
 */
export function parseAudioFormat(v: unknown, rate?: unknown): AudioFormat | null {
  const obj = v !== null && typeof v === 'object' ? (v as { type?: unknown; rate?: unknown }) : null;
  const t = typeof v === 'string' ? v : obj?.type;
  if (t === undefined || t === null) return null;
  const r = obj && validRate(obj.rate) ? obj.rate : validRate(rate) ? rate : null;
  switch (t) {
    case 'audio/pcm': case 'pcm16': return r === null ? PCM16 : pcm16At(r);
    case 'audio/pcmu': case 'g711_ulaw': return PCMU;
    case 'audio/pcma': case 'g711_alaw': return PCMA;
  }
  const hz = typeof t === 'string' ? /^pcm16-(\d+)hz$/i.exec(t) : null;
  if (hz && validRate(Number(hz[1]))) return pcm16At(Number(hz[1]));
  return { name: 'unknown', sampleRate: NaN, bytesPerSecond: NaN, label: typeof t === 'string' ? t : JSON.stringify(t) ?? '?' };
}

/** The formats a session object names: GA (`audio.input.format`) or beta (`input_audio_format`). */
export function sessionFormats(s: any): { input: AudioFormat | null; output: AudioFormat | null } {
  if (!s || typeof s !== 'object') return { input: null, output: null };
  const inRate = s.input_audio_sampling_rate;
  return {
    input: parseAudioFormat(s.audio?.input?.format, inRate) ?? parseAudioFormat(s.input_audio_format, inRate),
    output: parseAudioFormat(s.audio?.output?.format) ?? parseAudioFormat(s.output_audio_format),
  };
}

/**
 * The audio formats in force as a capture goes on: the session's input and output formats (GA or beta
 * fields), and each response's own output format from `response.created`. Only those few events are parsed.
 * Without any format named, OpenAI's default (24 kHz PCM16) holds.
 */
export class AudioFormats {
  input: AudioFormat = PCM16;
  output: AudioFormat = PCM16;
  private readonly byResponse = new Map<string, AudioFormat>();

  /** Look at a frame; returns true when it was one that sets formats. */
  observe(f: Frame): boolean {
    const type = f.tag.variant.type;
    if (f.dir === 'client') return false;
    if (f.tag.variant.protocol === 'live') {
      // GPT-Live: one format for both directions, chosen at session.start (`session.audio.format`).
      if (type !== 'session.started' && type !== 'session.updated') return false;
      const fmt = parseAudioFormat(f.tryJson()?.session?.audio?.format);
      if (fmt) this.input = this.output = fmt;
      return true;
    }
    if (f.tag.variant.protocol === 'translation') return false; // 24 kHz PCM16 in; each output delta names its rate
    if (type === 'session.created' || type === 'session.updated') {
      this.session(f.tryJson()?.session);
      return true;
    }
    if (type === 'response.created') {
      this.response(f.tryJson()?.response);
      return true;
    }
    return false;
  }

  /** A session object (from `session.created` / `session.updated`). */
  session(s: unknown): void {
    const { input, output } = sessionFormats(s);
    if (input) this.input = input;
    if (output) this.output = output;
  }

  /** A response object (from `response.created`): its own output format, if it names one. */
  response(r: any): void {
    if (!r || typeof r !== 'object') return;
    const fmt = parseAudioFormat(r.audio?.output?.format) ?? parseAudioFormat(r.output_audio_format);
    if (fmt && typeof r.id === 'string') {
      // Bounded: a capture that never finishes its responses must not grow this without end.
      if (this.byResponse.size > 10000) this.byResponse.clear();
      this.byResponse.set(r.id, fmt);
    }
  }

  /** The format of an output audio delta of this response. */
  outputFor(responseId: string | undefined): AudioFormat {
    return (responseId !== undefined && this.byResponse.get(responseId)) || this.output;
  }

  /** The format of a frame carrying audio: server deltas use the output format, client appends the input. */
  of(f: Frame): AudioFormat {
    switch (f.tag.variant.protocol) {
      case 'live':
        // What a sideband reflects (input appends from the server, output deltas with their clock) is 24 kHz PCM16.
        if (f.direction === 'server' && (f.tag.variant.type === 'session.input_audio.append' || f.num('start_ms') !== undefined)) return PCM16;
        return f.direction === 'client' ? this.input : this.output;
      case 'translation': {
        if (f.direction === 'client') return PCM16;
        const rate = f.num('sample_rate');
        return validRate(rate) ? pcm16At(rate) : PCM16;
      }
      default:
        return f.dir === 'client' ? this.input : this.outputFor(f.field('response_id'));
    }
  }
}
