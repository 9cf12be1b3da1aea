/**
 * Realtime Translation's session model (PROTOCOL.md §9): speech in, translated speech out. One streaming pass
 * gives the source and its translation side by side, as segments aligned by `elapsed_ms` (the position in the
 * input audio that every transcript and audio delta carries), and the figures `stats` shows: languages, audio,
 * and the seconds translated. Memory is bounded: a few open segments.
 */
import type { Frame } from '../events/frame.js';
import { AudioFormats } from '../pipeline/audio-format.js';

/** A stretch of the source speech and what it was translated to. */
export interface TranslationSegment {
  /** On the input audio clock (`elapsed_ms` of its first and last source delta); null without it. */
  start_ms: number | null;
  end_ms: number | null;
  source: string;
  translation: string;
  /** Arrival of its first delta. */
  ts: string | null;
  seq: number;
}

export interface TranslationSummary {
  source: string;
  session_id: string | null;
  model: string | null;
  /** What the session (or, failing it, the client's update) names; null when neither does (detected). */
  input_language: string | null;
  output_language: string | null;
  /**
   * How far into the input audio the translation reached: the largest `elapsed_ms` of a translated delta
   * (transcript or audio), in seconds; without `elapsed_ms`, the seconds of translated audio.
   */
  seconds_translated: number | null;
  audio: { output_bytes: number; output_seconds: number | null; input_bytes: number; input_seconds: number | null };
  segments: number;
}

/** A pause longer than this in the source (on its clock) starts a new segment; so does the end of a sentence. */
const PAUSE_MS = 1500;
/** Segments held open for late translation deltas, at most. */
const MAX_OPEN = 32;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export class TranslationModel {
  private readonly open: TranslationSegment[] = [];
  private readonly formats = new AudioFormats();
  private readonly audio = { outBytes: 0, outSec: 0, inBytes: 0, inSec: 0 };
  private lastSourceAt: number | null = null;
  private translatedTo: number | null = null;
  private sessionId: string | null = null;
  private model: string | null = null;
  private inputLanguage: string | null = null;
  private outputLanguage: string | null = null;
  private asked: { input: string | null; output: string | null } = { input: null, output: null };
  private segments = 0;

  constructor(readonly source: string, private readonly onSegment?: (s: TranslationSegment, model: TranslationModel) => void) {}

  /** The languages as far as the capture has said: the session's, else what the client asked. */
  languages(): { input: string | null; output: string | null } {
    return { input: this.inputLanguage ?? this.asked.input, output: this.outputLanguage ?? this.asked.output };
  }

  add(f: Frame): void {
    if (f.kind !== 'event' || f.tag.variant.protocol !== 'translation' || !f.tag.known) return;
    const type = f.tag.variant.type;
    switch (type) {
      case 'session.output_audio.delta': {
        const n = f.audioBytes();
        this.audio.outBytes += n;
        this.audio.outSec += n / this.formats.of(f).bytesPerSecond;
        this.reached(f.num('elapsed_ms'));
        return;
      }
      case 'session.input_audio_buffer.append': {
        const n = f.audioBytes();
        this.audio.inBytes += n;
        this.audio.inSec += n / this.formats.of(f).bytesPerSecond;
        return;
      }
      case 'session.input_transcript.delta': case 'session.output_transcript.delta': {
        const e = f.tryJson();
        if (typeof e?.delta !== 'string') return;
        const at = num(e.elapsed_ms);
        if (type === 'session.input_transcript.delta') this.sourceDelta(f, e.delta, at);
        else {
          this.reached(at);
          this.segmentAt(f, at).translation += e.delta;
        }
        return;
      }
      case 'session.created': case 'session.updated': case 'session.update': {
        const s = f.tryJson()?.session;
        const input = str(s?.audio?.input?.transcription?.language) ?? str(s?.audio?.input?.language);
        const output = str(s?.audio?.output?.language);
        if (type === 'session.update') {
          this.asked = { input: input ?? this.asked.input, output: output ?? this.asked.output };
          return;
        }
        this.sessionId ??= str(s?.id);
        this.model = str(s?.model) ?? this.model;
        this.inputLanguage = input ?? this.inputLanguage;
        this.outputLanguage = output ?? this.outputLanguage;
        return;
      }
    }
  }

  private reached(at: number | undefined | null): void {
    if (typeof at !== 'number' || !Number.isFinite(at)) return;
    this.translatedTo = Math.max(this.translatedTo ?? at, at);
    this.settle();
  }

  private sourceDelta(f: Frame, text: string, at: number | null): void {
    const cur = this.open.at(-1);
    const sentenceEnded = cur !== undefined && /[.?!。？！]\s*$/.test(cur.source);
    const paused = cur !== undefined && at !== null && this.lastSourceAt !== null && at - this.lastSourceAt > PAUSE_MS;
    if (!cur || sentenceEnded || paused) {
      this.start(f, at).source += text;
    } else {
      cur.source += text;
      if (at !== null) {
        cur.start_ms ??= at;
        cur.end_ms = Math.max(cur.end_ms ?? at, at);
      }
    }
    if (at !== null) this.lastSourceAt = at;
  }

  private start(f: Frame, at: number | null): TranslationSegment {
    const s: TranslationSegment = { start_ms: at, end_ms: at, source: '', translation: '', ts: f.ts, seq: f.seq };
    this.open.push(s);
    this.segments++;
    this.settle();
    return s;
  }

  /** The segment a translation delta belongs to: the last one that began at or before its position. */
  private segmentAt(f: Frame, at: number | null): TranslationSegment {
    if (at !== null) {
      for (let i = this.open.length - 1; i >= 0; i--) {
        const s = this.open[i]!;
        if (s.start_ms === null || s.start_ms <= at) return s;
      }
    }
    // Before any source speech, or no clock: the latest segment, or a new one for a translation heard first.
    return this.open.at(-1) ?? this.start(f, at);
  }

  /**
   * Hand out the segments the translation has moved past: every one but the last, once translation deltas
   * are at or beyond the next one's start (or too many are open).
   */
  private settle(all = false): void {
    while (this.open.length > (all ? 0 : 1)) {
      const next = this.open[1];
      const past = all || this.open.length > MAX_OPEN || (next !== undefined && next.start_ms !== null && this.translatedTo !== null && this.translatedTo >= next.start_ms);
      if (!past) break;
      this.onSegment?.(this.open.shift()!, this);
    }
  }

  finish(): TranslationSummary {
    this.settle(true);
    const a = this.audio;
    return {
      source: this.source, session_id: this.sessionId, model: this.model,
      input_language: this.inputLanguage ?? this.asked.input, output_language: this.outputLanguage ?? this.asked.output,
      seconds_translated: this.translatedTo !== null ? this.translatedTo / 1000 : a.outBytes ? a.outSec : null,
      audio: { output_bytes: a.outBytes, output_seconds: a.outSec, input_bytes: a.inBytes, input_seconds: a.inSec },
      segments: this.segments,
    };
  }
}
