/**
 * A conversation's audio on one time line, as the people in it heard it: the user's on the left, the assistant's
 * on the right, each piece at its real time. Pure placement: callers decode the audio and give times (ms since
 * a common origin, NaN when the capture has none); a sink takes the samples (in memory here, a file elsewhere).
 *
 * - The user's audio is sent after it is captured: a chunk that arrives at t was spoken from t − its length.
 * - The assistant's response plays from its first delta's arrival, its chunks one after another; a response
 *   that arrives while the one before still plays waits for it (a client's playback queue).
 * - A truncation (`audio_end_ms` of an assistant item) cuts the response there: the rest was never heard.
 * Pieces of one side never overlap, so the mix writes samples rather than summing them.
 */
import { wavHeader } from './wav.js';

export type Channel = 0 | 1;
export const USER: Channel = 0;
export const ASSISTANT: Channel = 1;

/** Where samples go. Positions are sample frames from the origin. */
export interface StereoSink {
  write(ch: Channel, at: number, samples: Int16Array): void;
  /** Zeroes [from, to) of one channel (what was cut after it was written). */
  silence(ch: Channel, from: number, to: number): void;
}

/** A lane: pieces that play one after another, never overlapping. */
export class Lane {
  /** Where the lane is free from, in frames. */
  end = 0;

  /** A piece of `n` frames due at `due` (NaN: as soon as the lane is free). Returns where it starts. */
  place(due: number, n: number): number {
    const start = Number.isFinite(due) ? Math.max(Math.round(due), this.end) : this.end;
    this.end = start + n;
    return start;
  }
}

/** One response's audio on the line: where it starts, how much was generated, and how much was heard. */
export interface Placement {
  start: number;
  generated: number;
  heard: number;
}

interface Open extends Placement {
  /** Cut by a truncation: later chunks are counted, never heard. */
  cut: boolean;
}

/** Bounded memory: responses and items remembered at most (a truncation names a recent item). */
const KEEP = 1024;

export class ConversationMix {
  private readonly user = new Lane();
  private readonly assistant = new Lane();
  private readonly responses = new Map<string, Open>();
  private readonly items = new Map<string, Open>();

  /** `rate`: frames per second of the line; `sink` null to place without keeping samples (lengths only). */
  constructor(readonly rate: number, private readonly sink: StereoSink | null) {}

  private frames(ms: number): number {
    return (ms * this.rate) / 1000;
  }

  /** A chunk of the user's audio (samples at the line's rate, or just their count) that arrived at `atMs`. */
  userAudio(samples: Int16Array | number, atMs: number): number {
    const n = typeof samples === 'number' ? samples : samples.length;
    const start = this.user.place(this.frames(atMs) - n, n);
    if (typeof samples !== 'number' && n) this.sink?.write(USER, start, samples);
    return start;
  }

  /** A chunk of a response's audio that arrived at `atMs`. */
  assistantAudio(responseId: string, itemId: string | null, samples: Int16Array | number, atMs: number): number {
    const n = typeof samples === 'number' ? samples : samples.length;
    let r = this.responses.get(responseId);
    if (!r) {
      const start = this.assistant.place(this.frames(atMs), 0);
      r = { start, generated: 0, heard: 0, cut: false };
      remember(this.responses, responseId, r);
    }
    if (itemId !== null && !this.items.has(itemId)) remember(this.items, itemId, r);
    const at = r.start + r.generated;
    r.generated += n;
    if (r.cut) return at;
    if (typeof samples !== 'number' && n) this.sink?.write(ASSISTANT, at, samples);
    r.heard = r.generated;
    if (at + n > this.assistant.end) this.assistant.end = at + n;
    return at;
  }

  /**
   * Where the next chunk would go, without placing it: the user's (responseId null) or a response's. A cut
   * response's chunks go nowhere (Infinity). Lets a caller skip decoding what a sink would not keep.
   */
  nextAt(responseId: string | null, atMs: number, n: number): number {
    if (responseId === null) {
      const due = this.frames(atMs) - n;
      return Number.isFinite(due) ? Math.max(Math.round(due), this.user.end) : this.user.end;
    }
    const r = this.responses.get(responseId);
    if (r) return r.cut ? Infinity : r.start + r.generated;
    const due = this.frames(atMs);
    return Number.isFinite(due) ? Math.max(Math.round(due), this.assistant.end) : this.assistant.end;
  }

  /** The client cut an assistant item's audio at `audioEndMs` (a truncation): the rest is silence. */
  truncate(itemId: string, audioEndMs: number): void {
    const r = this.items.get(itemId);
    if (!r || !Number.isFinite(audioEndMs)) return;
    const heard = Math.max(0, Math.min(r.heard, Math.round(this.frames(audioEndMs))));
    const end = r.start + r.heard;
    if (heard < r.heard) this.sink?.silence(ASSISTANT, r.start + heard, end);
    r.heard = heard;
    r.cut = true;
    // The lane is free where the cut is, unless another response already follows.
    if (this.assistant.end === end) this.assistant.end = r.start + heard;
  }

  /** Where a response's audio went; forgotten once asked for. */
  take(responseId: string): Placement | null {
    const r = this.responses.get(responseId);
    if (!r) return null;
    this.responses.delete(responseId);
    return { start: r.start, generated: r.generated, heard: r.heard };
  }
}

function remember<V>(m: Map<string, V>, k: string, v: V): void {
  if (m.size >= KEEP) m.delete(m.keys().next().value!);
  m.set(k, v);
}

/**
 * A stereo 16-bit track in memory, at most `maxFrames` long: what falls beyond is counted, never kept, so a
 * long call costs at most the cap. Grows as it is written.
 */
export class StereoTrack implements StereoSink {
  private buf = new Int16Array(0);
  /** Frames up to the last one written. */
  length = 0;
  /** Frames left out for the cap, per channel, and the first position left out. */
  readonly dropped: [number, number] = [0, 0];
  firstDropped: number | null = null;

  constructor(readonly rate: number, readonly maxFrames: number) {}

  write(ch: Channel, at: number, samples: Int16Array): void {
    const keep = Math.max(0, Math.min(samples.length, this.maxFrames - at));
    this.leftOut(ch, at, samples.length - keep);
    if (keep === 0) return;
    this.grow(at + keep);
    for (let i = 0; i < keep; i++) this.buf[(at + i) * 2 + ch] = samples[i]!;
    if (at + keep > this.length) this.length = at + keep;
  }

  /** `n` frames due at `at` that were never decoded because they lie past the cap: counted as left out. */
  leftOut(ch: Channel, at: number, n: number): void {
    if (n <= 0) return;
    this.dropped[ch] += n;
    const first = Math.max(at, this.maxFrames);
    if (this.firstDropped === null || first < this.firstDropped) this.firstDropped = first;
  }

  silence(ch: Channel, from: number, to: number): void {
    for (let i = Math.max(0, from); i < Math.min(to, this.length); i++) this.buf[i * 2 + ch] = 0;
  }

  private grow(frames: number): void {
    if (frames * 2 <= this.buf.length) return;
    const size = Math.min(Math.max(frames * 2, this.buf.length * 2, 1 << 16), this.maxFrames * 2);
    const next = new Int16Array(size);
    next.set(this.buf);
    this.buf = next;
  }

  /** The track as a WAV file (RIFF, PCM 16-bit, 2 channels). */
  wav(): Buffer {
    const data = this.length * 4;
    const out = Buffer.alloc(44 + data);
    stereoWavHeader(this.rate, data).copy(out, 0);
    const view = new Int16Array(out.buffer, out.byteOffset + 44, this.length * 2);
    // Little-endian machines (every one Node runs on here) copy directly.
    view.set(this.buf.subarray(0, this.length * 2));
    return out;
  }
}

/** A WAV header for interleaved stereo 16-bit PCM of `dataBytes` bytes. */
export const stereoWavHeader = (rate: number, dataBytes: number): Buffer => wavHeader(rate, dataBytes, 2);
