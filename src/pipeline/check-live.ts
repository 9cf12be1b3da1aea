/**
 * `rtev check`'s rules beyond one protocol's field tables: GPT-Live's opening handshake (PROTOCOL.md §9: the
 * first client frame must be `session.start`, and nothing else goes until `session.started`), and the beta
 * shutdown of the Realtime API (§8: an `error` with `beta_api_shape_disabled`, or close 4000 after an
 * `OpenAI-Beta` header), explained in one line. State is per source: a few flags and counters.
 */
import type { Frame } from '../events/frame.js';
import { protocolFromUrl } from '../events/protocol.js';

export const BETA_SHUTDOWN = 'this client speaks the beta shape, which OpenAI shut off on 2026-05-12; move to the GA events';

/** Where a finding goes: the checker's `find`, with the rule's id. */
export type Report = (at: { source: string; line: number }, rule: 'start-not-first' | 'sent-before-started' | 'beta-shutdown', message: string) => void;

interface SourceState {
  source: string;
  /** Client frames seen, and whether session.started has come. */
  clientFrames: number;
  started: boolean;
  /** Client frames sent before session.started: the first one's place and type, and how many. */
  early: { source: string; line: number; type: string; n: number } | null;
  /** An observer (`…/attach`): it never sends session.start, so the opening rules do not apply. */
  observer: boolean;
  betaHeader: boolean;
  betaReported: boolean;
}

export class ProtocolRules {
  private cur: SourceState | null = null;
  private lastLine = 0;

  constructor(private readonly report: Report) {}

  private state(source: string, line: number): SourceState {
    // A new source, or the same file given again (its lines start over).
    if (!this.cur || this.cur.source !== source || line < this.lastLine) {
      this.endSource();
      this.cur = { source, clientFrames: 0, started: false, early: null, observer: false, betaHeader: false, betaReported: false };
    }
    this.lastLine = line;
    return this.cur;
  }

  /** A recording's meta line: the endpoint (an observer's `/attach`), an `OpenAI-Beta` header, the close code. */
  meta(source: string, line: number, rtev: any): void {
    if (!rtev || typeof rtev !== 'object') return;
    const s = this.state(source, line);
    const url = typeof rtev.source === 'string' ? rtev.source : null;
    if (url && protocolFromUrl(url) === 'live' && /\/attach\/?(\?|$)/.test(url)) s.observer = true;
    if (rtev.beta_header === true) s.betaHeader = true;
    if (rtev.code === 4000 && s.betaHeader) this.beta(s, { source, line });
  }

  add(f: Frame, e: any): void {
    const s = this.state(f.source, f.line);
    const type = f.tag.variant.type;
    if (type === 'error' && e?.error?.code === 'beta_api_shape_disabled') this.beta(s, f);
    if (f.tag.variant.protocol !== 'live' || s.observer) return;
    if (f.direction === 'server') {
      if (type === 'session.started' && !s.started) {
        s.started = true;
        this.early(s);
      }
      return;
    }
    s.clientFrames++;
    if (type === 'session.start') {
      if (s.clientFrames > 1) this.report(f, 'start-not-first', `session.start after ${s.clientFrames - 1} other client frame${s.clientFrames === 2 ? '' : 's'}: GPT-Live needs it first (it carries the model)`);
      return;
    }
    if (s.clientFrames === 1) this.report(f, 'start-not-first', `${type} is the first client frame: GPT-Live needs session.start first (it carries the model)`);
    if (!s.started) {
      if (s.early) s.early.n++;
      else s.early = { source: f.source, line: f.line, type, n: 1 };
    }
  }

  private beta(s: SourceState, at: { source: string; line: number }): void {
    if (s.betaReported) return;
    s.betaReported = true;
    this.report(at, 'beta-shutdown', BETA_SHUTDOWN);
  }

  /** The client frames sent too early, as one finding at the first of them. */
  private early(s: SourceState): void {
    const x = s.early;
    if (!x) return;
    s.early = null;
    const more = x.n > 1 ? ` (and ${x.n - 1} more client frame${x.n === 2 ? '' : 's'})` : '';
    this.report(x, 'sent-before-started', `${x.type} sent before session.started${more}: GPT-Live takes nothing but session.start until then`);
  }

  private endSource(): void {
    if (this.cur) this.early(this.cur);
  }

  finish(): void {
    this.endSource();
    this.cur = null;
  }
}
