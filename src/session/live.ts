/**
 * GPT-Live's session model, beside the Realtime turn model (model.ts), for a protocol where the model takes
 * turns itself (PROTOCOL.md §9). One streaming pass over a session's frames gives:
 * - lines: each voice's transcript deltas joined by their audio clock (`start_ms`/`end_ms`), in time order;
 * - turns: a span of the user's speech followed by a span of the model's, with the gap between the two voices
 *   (negative when the model started before the user had finished) and the overlap when the user spoke over
 *   the model (a barge-in) instead of Realtime's response latencies;
 * - figures: usage seconds (a running total), the context window ratio, the close reason, audio, delegations.
 * Memory is bounded: lines wait in a small buffer until no earlier line can still come.
 */
import type { Frame } from '../events/frame.js';
import { AudioFormats } from '../pipeline/audio-format.js';
import { Counts } from './totals.js';

export type Voice = 'user' | 'assistant';

/** One voice's words over one stretch of the audio clock. */
export interface VoiceLine {
  voice: Voice;
  /** On the session's audio clock, ms; null when the deltas carried no clock. */
  start_ms: number | null;
  end_ms: number | null;
  text: string;
  /** Arrival of its first delta: the frame's time (ISO) and seq. */
  ts: string | null;
  seq: number;
}

/** One GPT-Live turn: exactly what `rtev turns --json` writes per line for a Live capture. */
export interface LiveTurn {
  turn: number;
  start: string | null;
  seq: number;
  user_transcript: string | null;
  assistant_transcript: string | null;
  /** The two spans on the audio clock, ms (null when the deltas carried no clock). */
  user_ms: { start: number; end: number } | null;
  assistant_ms: { start: number; end: number } | null;
  /** Assistant start − user end: a silence when positive, the model talking over the user when negative. */
  gap_ms: number | null;
  /** How long the user's next speech overlapped this turn's assistant speech (a barge-in), or null. */
  overlap_ms: number | null;
  /** Delegations to a Responses model made during the turn. */
  delegations: number;
  flags: LiveFlag[];
}

export type LiveFlag = 'talked_over' | 'barge_in' | 'long_gap' | 'no_answer';
/** A gap longer than this is flagged `long_gap`. */
export const LONG_GAP_MS = 2000;
/** Deltas of one voice further apart than this start a new line. */
const LINE_GAP_MS = 1000;
/** Lines held back for ordering, at most. */
const MAX_HELD = 256;

/** What a Live session adds up to, at its end. */
export interface LiveSummary {
  source: string;
  session_id: string | null;
  model: string | null;
  /** The last running total of `session.usage.updated` (or `session.closed`), seconds. */
  usage_seconds: number | null;
  context_window: { last_ratio: number | null; max_ratio: number | null };
  closed: { reason: string | null } | null;
  audio: { output_bytes: number; output_seconds: number | null; input_bytes: number; input_seconds: number | null };
  delegations: number;
  /** Responses-API events inside `response.event`, by their own type. */
  nested_types: Map<string, number>;
  turns: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export interface LiveModelOptions {
  /** Each line, in time order (start on the audio clock, or arrival for lines without one). */
  onLine?(line: VoiceLine, source: string): void;
  onTurn?(turn: LiveTurn, source: string): void;
}

interface OpenLine extends VoiceLine {
  /** The other voice's count of lines when this one began: a new line of it means an exchange of turns. */
  otherLines: number;
}

export class LiveModel {
  private readonly open: Record<Voice, OpenLine | null> = { user: null, assistant: null };
  private readonly started: Record<Voice, number> = { user: 0, assistant: 0 };
  /** Per voice, where its next line can start at the earliest (its open line's start, or its last end). */
  private readonly floor: Record<Voice, number> = { user: -Infinity, assistant: -Infinity };
  private held: VoiceLine[] = [];
  private readonly formats = new AudioFormats();
  private readonly audio = { outBytes: 0, outSec: 0, outUnknown: false, inBytes: 0, inSec: 0, inUnknown: false };
  private usage: number | null = null;
  private lastRatio: number | null = null;
  private maxRatio: number | null = null;
  private closed: { reason: string | null } | null = null;
  private delegations = 0;
  private readonly nested = new Counts();
  private sessionId: string | null = null;
  private model: string | null = null;
  // Turns, built from lines in time order.
  private turn: (LiveTurn & { userEnd: number | null; asstStart: number | null; asstEnd: number | null; user: string[]; asst: string[] }) | null = null;
  private turnCount = 0;
  /** Where on the audio clock each delegation not yet given to a turn was made (-Infinity: not said). */
  private delegationsAt: number[] = [];

  constructor(readonly source: string, private readonly o: LiveModelOptions = {}) {}

  add(f: Frame): void {
    if (f.kind !== 'event' || f.tag.variant.protocol !== 'live' || !f.tag.known) return;
    this.formats.observe(f);
    const type = f.tag.variant.type;
    const server = f.direction === 'server';
    switch (type) {
      case 'session.output_audio.delta': {
        const n = f.audioBytes();
        this.audio.outBytes += n;
        const fmt = this.formats.of(f);
        if (fmt.name === 'unknown') this.audio.outUnknown = true;
        else this.audio.outSec += n / fmt.bytesPerSecond;
        // On a sideband, output audio carries its clock: it is the assistant's voice even without a transcript.
        const s = f.num('start_ms'), e = f.num('end_ms');
        if (s !== undefined && e !== undefined) this.delta(f, 'assistant', '', s, e);
        return;
      }
      case 'session.input_audio.append': {
        // The client's audio, or on a sideband the same audio reflected by the server: count it once.
        const n = f.audioBytes();
        this.audio.inBytes += n;
        const fmt = this.formats.of(f);
        if (fmt.name === 'unknown') this.audio.inUnknown = true;
        else this.audio.inSec += n / fmt.bytesPerSecond;
        return;
      }
      case 'session.input_transcript.delta': case 'session.output_transcript.delta': {
        const e = f.tryJson();
        if (!server || typeof e?.delta !== 'string') return;
        this.delta(f, type === 'session.input_transcript.delta' ? 'user' : 'assistant', e.delta, num(e.start_ms), num(e.end_ms));
        return;
      }
      case 'session.started': case 'session.updated': {
        const s = f.tryJson()?.session;
        this.sessionId ??= str(s?.id);
        this.model = str(s?.model) ?? this.model;
        return;
      }
      case 'session.usage.updated': {
        const e = f.tryJson();
        this.usage = num(e?.usage?.seconds) ?? this.usage;
        const r = num(e?.context_window?.usage_ratio);
        if (r !== null) {
          this.lastRatio = r;
          this.maxRatio = this.maxRatio === null ? r : Math.max(this.maxRatio, r);
        }
        return;
      }
      case 'session.closed': {
        const e = f.tryJson();
        this.closed = { reason: str(e?.reason) };
        this.usage = num(e?.usage?.seconds) ?? this.usage;
        return;
      }
      case 'session.delegation.created':
        this.delegations++;
        if (this.delegationsAt.length < 4096) this.delegationsAt.push(num(f.tryJson()?.offset_ms) ?? -Infinity);
        return;
      case 'response.event': {
        const t = f.nestedType();
        if (t !== null) this.nested.add(t);
        return;
      }
    }
  }

  /** A transcript delta (or clocked audio) of one voice: joins its open line, or starts a new one. */
  private delta(f: Frame, voice: Voice, text: string, start: number | null, end: number | null): void {
    const other: Voice = voice === 'user' ? 'assistant' : 'user';
    const line = this.open[voice];
    const timed = start !== null && end !== null;
    // Same line: close in time to the last delta, and the other voice has not begun a line since (a new line
    // of the other voice after this one began, which started after this line's end, is an exchange of turns).
    const joins = line !== null && (timed && line.end_ms !== null
      ? start - line.end_ms <= LINE_GAP_MS && !(this.started[other] > line.otherLines && this.floor[other] >= line.end_ms)
      : !timed && line.end_ms === null && this.started[other] === line.otherLines);
    if (line && joins) {
      line.text += text;
      if (timed) line.end_ms = Math.max(line.end_ms!, end);
      return;
    }
    if (line) this.close(voice);
    this.open[voice] = { voice, start_ms: timed ? start : null, end_ms: timed ? end : null, text, ts: f.ts, seq: f.seq, otherLines: this.started[other] };
    this.started[voice]++;
    if (timed) this.floor[voice] = start;
    this.release();
  }

  private close(voice: Voice): void {
    const line = this.open[voice]!;
    this.open[voice] = null;
    if (line.end_ms !== null) this.floor[voice] = line.end_ms;
    const { otherLines: _, ...out } = line;
    this.held.push(out);
  }

  /** Hand out the held lines that no line still to come can precede (all of them at the end). */
  private release(all = false): void {
    if (!this.held.length) return;
    const key = (l: VoiceLine) => l.start_ms ?? -Infinity;
    this.held.sort((a, b) => key(a) - key(b) || a.seq - b.seq);
    const bound = all ? Infinity : Math.min(
      ...(['user', 'assistant'] as const).map((v) => this.open[v]?.start_ms ?? (this.started[v] ? this.floor[v] : -Infinity)),
    );
    let n = 0;
    while (n < this.held.length && (all || this.held.length - n > MAX_HELD || key(this.held[n]!) <= bound)) n++;
    const out = this.held.splice(0, n);
    for (const l of out) this.line(l);
  }

  /** A line in time order: to the reader, and into the turns. */
  private line(l: VoiceLine): void {
    this.o.onLine?.(l, this.source);
    const t = this.turn;
    if (l.voice === 'user') {
      // The user speaking over the model's answer: a barge-in, measured on the turn it interrupted.
      if (t && t.asstEnd !== null && l.start_ms !== null && l.start_ms < t.asstEnd) t.overlap_ms = Math.max(t.overlap_ms ?? 0, t.asstEnd - l.start_ms);
      if (t && t.asst.length === 0 && t.user.length > 0) {
        // More of the user's speech before any answer: the same turn.
        t.user.push(l.text);
        if (l.end_ms !== null) t.userEnd = Math.max(t.userEnd ?? l.end_ms, l.end_ms);
        return;
      }
      this.endTurn(l.start_ms);
      this.turn = this.newTurn(l);
      this.turn.user.push(l.text);
      this.turn.userEnd = l.end_ms;
      if (l.start_ms !== null) this.turn.user_ms = { start: l.start_ms, end: l.end_ms ?? l.start_ms };
      return;
    }
    // The model speaking: the current turn's answer (or a turn of its own, as a greeting).
    const cur = this.turn ?? (this.turn = this.newTurn(l));
    cur.asst.push(l.text);
    if (l.start_ms !== null) {
      cur.asstStart ??= l.start_ms;
      cur.asstEnd = Math.max(cur.asstEnd ?? l.end_ms ?? l.start_ms, l.end_ms ?? l.start_ms);
    }
  }

  private newTurn(l: VoiceLine): NonNullable<LiveModel['turn']> {
    return {
      turn: ++this.turnCount, start: l.ts, seq: l.seq, user_transcript: null, assistant_transcript: null, user_ms: null, assistant_ms: null,
      gap_ms: null, overlap_ms: null, delegations: 0, flags: [], userEnd: null, asstStart: null, asstEnd: null, user: [], asst: [],
    };
  }

  /** The turn is over: the next one starts at `next` on the audio clock (null: unknown, or the end). */
  private endTurn(next: number | null = null): void {
    const t = this.turn;
    if (!t) return;
    this.turn = null;
    const text = (parts: string[]) => (parts.length ? parts.join(' ').replace(/\s+/g, ' ').trim() : null);
    const { userEnd, asstStart, asstEnd, user, asst, ...turn } = t;
    turn.user_transcript = text(user);
    turn.assistant_transcript = text(asst);
    if (turn.user_ms && userEnd !== null) turn.user_ms.end = userEnd;
    if (asstStart !== null && asstEnd !== null) turn.assistant_ms = { start: asstStart, end: asstEnd };
    if (userEnd !== null && asstStart !== null && user.length) turn.gap_ms = asstStart - userEnd;
    // Delegations made before the next turn's speech began are this turn's.
    const mine = this.delegationsAt.filter((at) => next === null || at < next);
    this.delegationsAt = this.delegationsAt.filter((at) => !(next === null || at < next));
    turn.delegations = mine.length;
    if (turn.gap_ms !== null && turn.gap_ms < 0) turn.flags.push('talked_over');
    if (turn.overlap_ms !== null && turn.overlap_ms > 0) turn.flags.push('barge_in');
    if (turn.gap_ms !== null && turn.gap_ms > LONG_GAP_MS) turn.flags.push('long_gap');
    if (user.length && !asst.length) turn.flags.push('no_answer');
    this.o.onTurn?.(turn, this.source);
  }

  finish(): LiveSummary {
    for (const v of ['user', 'assistant'] as const) if (this.open[v]) this.close(v);
    this.release(true);
    this.endTurn();
    const a = this.audio;
    return {
      source: this.source, session_id: this.sessionId, model: this.model, usage_seconds: this.usage,
      context_window: { last_ratio: this.lastRatio, max_ratio: this.maxRatio }, closed: this.closed,
      audio: { output_bytes: a.outBytes, output_seconds: a.outUnknown ? null : a.outSec, input_bytes: a.inBytes, input_seconds: a.inUnknown ? null : a.inSec },
      delegations: this.delegations, nested_types: this.nested.map, turns: this.turnCount,
    };
  }
}
