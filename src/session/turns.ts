/**
 * Turn boundaries' state and per-turn figures: what the model keeps for a turn (and its responses) while it is
 * open, and how a finished turn becomes the `rtev turns --json` object with its flags.
 */
import type { AudioFormat } from '../pipeline/audio-format.js';
import { addCost, dollars, emptyCost, roundCost } from './cost.js';
import { addUsage, emptyUsage } from './usage.js';
import type { Cost, ErrorRecord, ResponseRecord, Speech, ToolRecord, Turn, TurnFlag, TurnInput, TurnRecord, Usage } from './types.js';

/** A function call while its turn is open: its record and the arrival times behind `wait_ms`. */
export interface OpenTool { rec: ToolRecord; argsAt: number; outAt: number }

/** Text streamed for one content part: deltas joined, replaced by the `done` text when it comes. */
interface Part { deltas: string; done: string | null }

/** A response while its turn is open. Arrival times are epoch ms (NaN without timestamps). */
export class OpenResponse {
  status = 'in_progress';
  reason: string | null = null;
  error: { code: string; message: string | null } | null = null;
  created: string | null = null;
  createdAt = NaN;
  done: string | null = null;
  doneAt = NaN;
  /** Output audio: bytes, and milliseconds in the format in force (NaN when the format is unknown). */
  audioBytes = 0;
  audioMs = 0;
  hasDeltas = false;
  firstAudio: string | null = null;
  firstAudioAt = NaN;
  firstDeltaAt = NaN;
  truncatedMs: number | null = null;
  itemIds: string[] = [];
  usage: Usage | null = null;
  cost: Cost | null = null;
  /** Usage present but no price for the model. */
  unpriced = false;
  tools: OpenTool[] = [];
  parts: Map<string, Part> | null = null;
  doneText: string | null = null;

  constructor(
    readonly id: string,
    readonly turn: OpenTurn,
    readonly oob: boolean,
    readonly seq: number,
    readonly model: string | null,
    public format: AudioFormat,
  ) {}

  /** Text of a content part (`key` = item and content index): a delta, or the done text. */
  text(key: string, delta: string | null, done: string | null): void {
    this.parts ??= new Map();
    const p = this.parts.get(key) ?? { deltas: '', done: null };
    if (delta !== null) p.deltas += delta;
    if (done !== null) p.done = done;
    this.parts.set(key, p);
  }

  get isDone(): boolean {
    return this.done !== null || this.status !== 'in_progress';
  }

  /** Audio generated, in whole ms; null when it went over WebRTC (no deltas) or in an unknown format. */
  generatedMs(webrtc: boolean): number | null {
    if (!this.hasDeltas) return webrtc ? null : 0;
    return Number.isNaN(this.audioMs) ? null : Math.round(this.audioMs);
  }

  /** Audio heard: up to a truncation's `audio_end_ms`, else all that was generated. */
  heardMs(webrtc: boolean): number | null {
    const g = this.generatedMs(webrtc);
    if (g === null) return null;
    return this.truncatedMs === null ? g : Math.min(g, this.truncatedMs);
  }
}

/** A turn while it is open (and, once a later turn started, while its responses finish). */
export class OpenTurn {
  userItemId: string | null = null;
  /** The user's words: typed text, or the transcription (deltas, then the completed transcript). */
  userText: string | null = null;
  transcriptDeltas = '';
  transcriptDone: string | null = null;
  speech: Speech | null = null;
  speechStopAt = NaN;
  /** The last client frame that asked for a response before the first one came. */
  triggerAt = NaN;
  readonly responses: OpenResponse[] = [];
  readonly tools: OpenTool[] = [];
  readonly errors: ErrorRecord[] = [];
  interrupted = false;
  /** This turn's speech interrupted the turn before. */
  bargedIn = false;
  /** WebRTC: the server's output audio buffer is playing one of this turn's responses. */
  playing = false;
  sawBuffer = false;
  /** A function call's output was sent since the turn's last response: the next one is its follow-up. */
  awaitingFollowUp = false;
  /** A later turn has started. */
  closed = false;
  lastSeq: number;
  matched = false;

  /** Opened only to hold out-of-band responses that came before any turn: the first turn takes it over. */
  oobOnly = false;

  constructor(
    readonly n: number,
    public seq: number,
    public start: string | null,
    public startAt: number,
    public input: TurnInput,
  ) {
    this.lastSeq = seq;
  }

  /** The first turn begins here, in the turn that held the out-of-band responses before it (see oobOnly). */
  takeOver(seq: number, start: string | null, startAt: number, input: TurnInput): void {
    this.seq = seq;
    this.start = start;
    this.startAt = startAt;
    this.input = input;
    this.lastSeq = Math.max(this.lastSeq, seq);
    this.interrupted = false;
    this.oobOnly = false;
  }

  /** Responses in the conversation (not out of band). */
  inBand(): OpenResponse[] {
    return this.responses.filter((r) => !r.oob);
  }

  /** No in-conversation response yet: the next one answers this turn. */
  get pending(): boolean {
    return !this.responses.some((r) => !r.oob);
  }

  get transcript(): string | null {
    if (this.input === 'text') return this.userText;
    return this.transcriptDone ?? (this.transcriptDeltas || null);
  }
}

const diff = (a: number, b: number): number | null => (Number.isNaN(a) || Number.isNaN(b) ? null : Math.round(b - a));

/** The record of a response as its turn closes. */
export function responseRecord(r: OpenResponse, webrtc: boolean): ResponseRecord {
  let text: string | null = null;
  if (r.parts) text = [...r.parts.values()].map((p) => p.done ?? p.deltas).filter(Boolean).join(' ') || null;
  text ??= r.doneText;
  return {
    response_id: r.id,
    turn: r.turn.n,
    out_of_band: r.oob,
    seq: r.seq,
    created: r.created,
    done: r.done,
    status: r.isDone ? r.status : 'unfinished',
    status_reason: r.reason,
    error: r.error,
    model: r.model,
    latency_ms: { first_audio: diff(r.createdAt, r.firstAudioAt), first_delta: diff(r.createdAt, r.firstDeltaAt), duration: diff(r.createdAt, r.doneAt) },
    first_audio: r.firstAudio,
    audio_ms: { generated: r.generatedMs(webrtc), heard: r.heardMs(webrtc) },
    item_ids: r.itemIds,
    usage: r.usage,
    cost: r.cost ? roundCost(r.cost) : null,
    tools: r.tools.map((t) => t.rec),
    text,
  };
}

const sumOrNull = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : xs.reduce<number>((a, x) => a + x!, 0));

/** Thresholds for flags. */
export interface FlagOptions {
  /** `slow`: first audio later than this (ms). */
  slowMs: number;
}

const TOOL_DEAD_AIR_MS = 2000;
const SHORT_BARGE_IN_MS = 500;

/** A closed turn's figures and flags: the `rtev turns --json` object, with the records behind it. */
export function turnRecord(t: OpenTurn, source: string, webrtc: boolean, o: FlagOptions): TurnRecord {
  const responses = t.responses.map((r) => responseRecord(r, webrtc));
  const inBand = t.responses.filter((r) => !r.oob);
  const last = inBand.at(-1);
  const lastRec = last ? responses[t.responses.indexOf(last)]! : null;
  const inputEnd = t.input === 'speech' ? t.speechStopAt : t.triggerAt;
  const firstCreated = inBand.find((r) => !Number.isNaN(r.createdAt))?.createdAt ?? NaN;
  const firstAudio = Math.min(...inBand.map((r) => r.firstAudioAt).filter((x) => !Number.isNaN(x)));
  const waits = t.tools.map((x) => x.rec.wait_ms).filter((w): w is number => w !== null);

  // Usage and cost over every response of the turn, out-of-band ones included.
  let usage: Usage | null = null;
  let cost: Cost | null = emptyCost();
  for (const r of t.responses) {
    if (!r.usage) continue;
    usage = addUsage(usage ?? emptyUsage(), r.usage);
    if (r.cost && cost) addCost(cost, r.cost);
    else cost = null;
  }
  if (!usage) cost = null;

  // Over WebRTC no turn's audio is known, not even one without a response (as for the responses themselves).
  const generated = webrtc && inBand.length === 0 ? null : sumOrNull(inBand.map((r) => r.generatedMs(webrtc)));
  const heard = webrtc && inBand.length === 0 ? null : sumOrNull(inBand.map((r) => r.heardMs(webrtc)));
  const speechMs = t.speech && t.speech.audio_start_ms !== null && t.speech.audio_end_ms !== null ? t.speech.audio_end_ms - t.speech.audio_start_ms : null;
  const turn: Turn = {
    turn: t.n,
    start: t.start,
    seq: t.seq,
    input: t.input,
    user_item_id: t.userItemId,
    user_transcript: t.transcript,
    speech_ms: speechMs,
    response_ids: inBand.map((r) => r.id),
    status: lastRec ? lastRec.status : null,
    status_reason: lastRec ? lastRec.status_reason : null,
    latency_ms: {
      response: diff(inputEnd, firstCreated),
      first_audio: Number.isFinite(firstAudio) ? diff(inputEnd, firstAudio) : null,
      duration: last && last.isDone ? diff(firstCreated, last.doneAt) : null,
      tool_wait: waits.length ? waits.reduce((a, w) => a + w, 0) : null,
    },
    tools: t.tools.map(({ rec }) => ({ name: rec.name, call_id: rec.call_id, arguments: rec.arguments, wait_ms: rec.wait_ms })),
    audio_ms: { generated, heard },
    interrupted: t.interrupted,
    usage,
    cost_usd: cost ? dollars(cost.total) : null,
    errors: t.errors.map(({ code, message, caused_by }) => ({ code, message, caused_by })),
    out_of_band: responses.filter((r) => r.out_of_band).map((r) => ({ response_id: r.response_id, status: r.status, cost_usd: r.cost ? r.cost.total : null })),
    flags: [],
  };
  const flags = new Set<TurnFlag>();
  if (turn.latency_ms.first_audio !== null && turn.latency_ms.first_audio > o.slowMs) flags.add('slow');
  if (t.interrupted) flags.add('interrupted');
  if (t.bargedIn && speechMs !== null && speechMs < SHORT_BARGE_IN_MS) flags.add('short_barge_in');
  if (turn.latency_ms.tool_wait !== null && turn.latency_ms.tool_wait > TOOL_DEAD_AIR_MS) flags.add('tool_dead_air');
  if (turn.status === 'failed') flags.add('failed');
  if (!inBand.length) flags.add('no_response');
  turn.flags = [...flags];
  return {
    source, turn, responses, speech: t.speech,
    tools: t.tools.map((x) => x.rec), errors: t.errors, last_seq: t.lastSeq, matched: t.matched,
  };
}
