/**
 * The report's audio: every chunk of the capture placed on the call's time line (src/audio/mix.ts), and, unless
 * the page leaves audio out, decoded into one stereo track of bounded size. It also aligns the user's speech,
 * which the server reports on its own audio clock (ms of input audio received), with the time line.
 */
import { decodeAudio, resampleTo } from '../audio/decode.js';
import { ASSISTANT, ConversationMix, StereoTrack, USER, type Placement } from '../audio/mix.js';
import type { Frame } from '../events/frame.js';
import type { AudioFormat, AudioFormats } from '../pipeline/audio-format.js';
import type { Speech } from '../session/types.js';

/** A stretch of input audio: where it is on the server's clock and on the time line (both ms). */
interface InputStretch { inMs: number; atMs: number; ms: number }

const KEEP_STRETCHES = 4096;
const KEEP_SPEECH = 1024;

export interface AudioOptions {
  /** Decode and keep the audio (false: place it only, for the timeline). */
  keep: boolean;
  /** The most bytes of WAV to keep. */
  maxBytes: number;
}

export class ReportAudio {
  private mix: ConversationMix | null = null;
  track: StereoTrack | null = null;
  /** Input audio received so far on the server's clock, ms. */
  private inputMs = 0;
  private readonly stretches: InputStretch[] = [];
  /** Speech events' audio_*_ms → time line ms, computed when each event arrived. */
  private readonly speechAt = new Map<string, number>();
  /** Chunks in a format rtev cannot decode (left out), by label. */
  readonly unknown = new Set<string>();
  deltas = 0;
  appends = 0;

  constructor(private readonly o: AudioOptions, private readonly formats: AudioFormats) {}

  get rate(): number | null {
    return this.mix?.rate ?? null;
  }

  private mixFor(fmt: AudioFormat): ConversationMix {
    if (!this.mix) {
      const rate = fmt.sampleRate;
      if (this.o.keep) this.track = new StereoTrack(rate, Math.max(0, Math.floor((this.o.maxBytes - 44) / 4)));
      this.mix = new ConversationMix(rate, this.track);
    }
    return this.mix;
  }

  /** A chunk's samples at the line's rate (decoded), or only how many there are. */
  private samples(f: Frame, bytes: number, fmt: AudioFormat, mix: ConversationMix, atMs: number, rid: string | null): Int16Array | number {
    const n = Math.round((bytes / fmt.bytesPerSecond) * mix.rate);
    if (!this.track) return n;
    // Past the cap, or cut: counted, never decoded; what the cap leaves out is said on the page.
    const at = mix.nextAt(rid, atMs, n);
    if (at >= this.track.maxFrames) {
      if (at !== Infinity) this.track.leftOut(rid === null ? USER : ASSISTANT, at, n);
      return n;
    }
    const b64 = f.field('delta');
    const pcm = b64 === undefined ? new Int16Array(0) : decodeAudio(Buffer.from(b64, 'base64'), fmt);
    return resampleTo(pcm, fmt.sampleRate, mix.rate);
  }

  /** Look at one frame; `atMs` is its time on the line (NaN without a timestamp), `bytes` its audio's length. */
  add(f: Frame, atMs: number, bytes: number): void {
    if (f.kind !== 'event') return;
    const type = f.tag.variant.type;
    const client = f.direction === 'client';
    if (type === 'input_audio_buffer.append' && client) this.userChunk(f, atMs, bytes);
    else if (type === 'response.output_audio.delta' && !client) this.assistantChunk(f, atMs, bytes);
    else if (type === 'conversation.item.truncated' || type === 'conversation.item.truncate') {
      const e = f.tryJson();
      if (this.mix && typeof e?.item_id === 'string' && typeof e.audio_end_ms === 'number') this.mix.truncate(e.item_id, e.audio_end_ms);
    } else if ((type === 'input_audio_buffer.speech_started' || type === 'input_audio_buffer.speech_stopped') && !client) {
      const e = f.tryJson();
      const ms = type.endsWith('started') ? e?.audio_start_ms : e?.audio_end_ms;
      const at = typeof ms === 'number' ? this.lineAt(ms) : null;
      if (at !== null) remember(this.speechAt, `${type.endsWith('started') ? 's' : 'e'}${ms}`, at);
    }
  }

  private userChunk(f: Frame, atMs: number, bytes: number): void {
    const fmt = this.formats.input;
    if (fmt.name === 'unknown') return void this.unknown.add(fmt.label);
    this.appends++;
    const mix = this.mixFor(fmt);
    const start = mix.userAudio(this.samples(f, bytes, fmt, mix, atMs, null), atMs);
    const ms = (bytes / fmt.bytesPerSecond) * 1000;
    const line = (start / mix.rate) * 1000;
    const last = this.stretches[this.stretches.length - 1];
    // Contiguous on both clocks: one stretch.
    if (last && Math.abs(last.atMs + last.ms - line) < 1 && Math.abs(last.inMs + last.ms - this.inputMs) < 1) last.ms += ms;
    else {
      if (this.stretches.length >= KEEP_STRETCHES) this.stretches.shift();
      this.stretches.push({ inMs: this.inputMs, atMs: line, ms });
    }
    this.inputMs += ms;
  }

  private assistantChunk(f: Frame, atMs: number, bytes: number): void {
    const fmt = this.formats.of(f);
    if (fmt.name === 'unknown') return void this.unknown.add(fmt.label);
    const rid = f.field('response_id');
    if (rid === undefined) return;
    this.deltas++;
    const mix = this.mixFor(fmt);
    mix.assistantAudio(rid, f.field('item_id') ?? null, this.samples(f, bytes, fmt, mix, atMs, rid), atMs);
  }

  /** A time on the server's input clock, on the time line: through the input audio placed so far. */
  private lineAt(ms: number): number | null {
    const s = this.stretches;
    if (!s.length) return null;
    let i = s.length - 1;
    while (i > 0 && s[i]!.inMs > ms) i--;
    return s[i]!.atMs + (ms - s[i]!.inMs);
  }

  /** The user's speech on the time line: [start, end] ms, from the model's speech record. */
  speech(sp: Speech, rel: (ts: string | null) => number): [number, number] | null {
    const { audio_start_ms: a, audio_end_ms: b } = sp;
    let start = a !== null ? this.take(`s${a}`) : undefined;
    let end = b !== null ? this.take(`e${b}`) : undefined;
    // Without the input audio: the server's events' arrival, with the length its clock gives.
    const len = a !== null && b !== null ? b - a : NaN;
    if (start === undefined) start = Number.isFinite(rel(sp.started)) ? rel(sp.started) : end !== undefined && Number.isFinite(len) ? end - len : rel(sp.stopped) - (Number.isFinite(len) ? len : 0);
    if (end === undefined) end = Number.isFinite(len) ? start + len : rel(sp.stopped);
    if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
    return [start, Math.max(start, end)];
  }

  private take(key: string): number | undefined {
    const v = this.speechAt.get(key);
    this.speechAt.delete(key);
    return v;
  }

  /** Where a response's audio went (frames at `rate`), once. */
  placement(responseId: string): Placement | null {
    return this.mix?.take(responseId) ?? null;
  }
}

function remember<V>(m: Map<string, V>, k: string, v: V): void {
  if (m.size >= KEEP_SPEECH) m.delete(m.keys().next().value!);
  m.set(k, v);
}
