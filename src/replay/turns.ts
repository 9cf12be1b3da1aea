import type { Frame } from '../events/frame.js';

/** What a client must send before the next turn of a capture is played (`replay --interactive`). */
export type Trigger = 'none' | 'input' | 'response' | 'start';

/**
 * Splits a capture into turns as its server frames go by. A turn starts at the user's speech
 * (`input_audio_buffer.speech_started`) or, with no speech, at `response.created` (a typed message, a tool
 * result); it ends at `response.done`. Speech during a response (barge-in) belongs to that turn.
 *
 * GPT-Live: nothing is played before the client's `session.start` (PROTOCOL.md §9); then a turn starts at the
 * user's words (`session.input_transcript.delta`) after the model has spoken. Translation: at the source's
 * words after translated output.
 */
export class TurnGate {
  private inTurn = false;
  /** GPT-Live and Translation: the model (or the translation) has spoken since the user last did. */
  private answered = true;

  before(f: Frame): Trigger {
    if (f.direction !== 'server') return 'none';
    if (f.tag.variant.protocol !== 'realtime') return this.voice(f);
    switch (f.tag.variant.type) {
      case 'input_audio_buffer.speech_started':
        if (this.inTurn) return 'none';
        this.inTurn = true;
        return 'input';
      case 'response.created':
        if (this.inTurn) return 'none';
        this.inTurn = true;
        return 'response';
      case 'response.done':
        this.inTurn = false;
        return 'none';
      default:
        return 'none';
    }
  }

  /** Translation: where on the input clock the source was last heard (ms). */
  private lastSource = -Infinity;

  private voice(f: Frame): Trigger {
    switch (f.tag.variant.type) {
      case 'session.started':
        return 'start';
      case 'session.input_transcript.delta': {
        if (f.tag.variant.protocol === 'translation') {
          // Source and translation interleave: a new stretch of speech starts after a pause in the source.
          const at = f.num('elapsed_ms');
          const fresh = at === undefined ? this.lastSource === -Infinity : at - this.lastSource > SOURCE_PAUSE_MS;
          this.lastSource = at ?? 0;
          return fresh ? 'input' : 'none';
        }
        if (!this.answered) return 'none';
        this.answered = false;
        return 'input';
      }
      case 'session.output_transcript.delta': case 'session.output_audio.delta':
        this.answered = true;
        return 'none';
      default:
        return 'none';
    }
  }
}

const SILENCE_MS = 500;
/** Translation: a pause this long in the source starts a new stretch of speech (as `transcript` splits them). */
const SOURCE_PAUSE_MS = 1500;

/**
 * Counts what a live client did that may start a turn: `response.create` starts any turn; for a spoken turn,
 * `input_audio_buffer.commit`, or appended audio (any protocol's append) followed by 500 ms of silence, will do
 * too. GPT-Live's `session.start` opens the session.
 */
export class ClientTriggers {
  /** Every frame the client sent, for `lockstep`. */
  frames = 0;
  private responses = 0;
  private inputs = 0;
  private starts = 0;
  private silence: NodeJS.Timeout | null = null;
  private waiter: (() => void) | null = null;

  /** Note a client event by its type. */
  saw(type: string): void {
    if (type === 'response.create') this.responses++;
    else if (type === 'input_audio_buffer.commit') this.inputs++;
    else if (type === 'session.start') this.starts++;
    else if (type === 'input_audio_buffer.append' || type === 'session.input_audio.append' || type === 'session.input_audio_buffer.append') {
      if (this.silence) clearTimeout(this.silence);
      this.silence = setTimeout(() => { this.silence = null; this.inputs++; this.wake(); }, SILENCE_MS);
      return;
    } else return;
    this.wake();
  }

  /** Resolve once the client has done what the trigger needs (consuming it). */
  async wait(t: Trigger, closed: () => boolean): Promise<void> {
    while (!closed()) {
      if (t === 'none') return;
      if (t === 'start' && this.starts > 0) return;
      if (t !== 'start' && this.responses > 0) { this.responses--; if (this.inputs > 0) this.inputs--; return; }
      if (t === 'input' && this.inputs > 0) { this.inputs--; return; }
      await new Promise<void>((r) => { this.waiter = r; setTimeout(r, 250); });
    }
  }

  /** Resolve once the client has sent `n` frames in all, or after `maxMs` (a client that never will). */
  async sent(n: number, closed: () => boolean, maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    while (this.frames < n && !closed() && Date.now() < until) {
      await new Promise<void>((r) => { this.waiter = r; setTimeout(r, Math.max(1, Math.min(250, until - Date.now()))); });
    }
  }

  /** Note any frame the client sent. */
  frame(): void {
    this.frames++;
    this.wake();
  }

  stop(): void {
    if (this.silence) clearTimeout(this.silence);
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
