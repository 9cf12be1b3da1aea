/**
 * The session models of GPT-Live and Realtime Translation, one per source as SessionModels does for Realtime:
 * frames go to the model of their protocol; lines, turns and segments come out through the callbacks, and a
 * summary per session at the end. Realtime frames are not theirs and are ignored.
 */
import type { Frame } from '../events/frame.js';
import { LiveModel, type LiveModelOptions, type LiveSummary } from './live.js';
import { TranslationModel, type TranslationSegment, type TranslationSummary } from './translation.js';

export interface VoiceModelOptions extends LiveModelOptions {
  /** A Translation segment, with its session's languages as far as known. */
  onSegment?(s: TranslationSegment, source: string, languages: { input: string | null; output: string | null }): void;
}

export class VoiceModels {
  private cur: LiveModel | TranslationModel | null = null;
  private lastLine = 0;
  readonly live: LiveSummary[] = [];
  readonly translation: TranslationSummary[] = [];

  constructor(private readonly o: VoiceModelOptions = {}) {}

  add(f: Frame): void {
    const p = f.tag.variant.protocol;
    if (p === 'realtime') return;
    const wanted = p === 'live' ? LiveModel : TranslationModel;
    // A new source, or the same file given again (its lines start over).
    if (!this.cur || this.cur.source !== f.source || f.line < this.lastLine || !(this.cur instanceof wanted)) {
      this.end();
      const source = f.source;
      this.cur = p === 'live' ? new LiveModel(source, this.o) : new TranslationModel(source, (s, m) => this.o.onSegment?.(s, source, m.languages()));
    }
    this.lastLine = f.line;
    this.cur.add(f);
  }

  private end(): void {
    if (this.cur instanceof LiveModel) this.live.push(this.cur.finish());
    else if (this.cur) this.translation.push(this.cur.finish());
    this.cur = null;
  }

  /** Finish every session: the summaries, in reading order per protocol. */
  finish(): { live: LiveSummary[]; translation: TranslationSummary[] } {
    this.end();
    return { live: this.live, translation: this.translation };
  }
}
