/**
 * The turn model: one streaming pass over a Realtime session's frames builds its turns, responses,
 * configuration and errors. Audio deltas are measured from their bytes, never parsed; only the few events whose
 * inside matters are parsed. State is bounded: open turns (at most MAX_OPEN) and their responses, a bounded
 * index of recent client event ids, never every frame. Finished turns are handed to `onTurn` in order.
 *
 * Turn rules (README, "rtev turns"): a turn starts at `input_audio_buffer.speech_started`; without speech, at the
 * client frame that asked for a response (`input_audio_buffer.commit`, a user `conversation.item.create`, or
 * `response.create`), or at `response.created` when the capture has no client frames. A turn owns every
 * response created until the next turn starts; a tool call's follow-up response stays in its turn; an
 * out-of-band response (`conversation: "none"`) never starts a turn.
 */
import type { Frame } from '../events/frame.js';
import { AudioFormats, type AudioFormat } from '../pipeline/audio-format.js';
import { ConfigTracker } from './config.js';
import { costOf, type PriceBook } from './cost.js';
import { ClientEvents, ERROR_EVENT_TYPES, errorCode, errorMessage, fallbackCode } from './errors.js';
import { OpenResponse, OpenTurn, turnRecord, type OpenTool } from './turns.js';
import type { ConfigEntry, ErrorRecord, SessionSummary, TurnInput, TurnRecord } from './types.js';
import { readUsage } from './usage.js';

export interface ModelOptions {
  prices: PriceBook;
  /** `slow` flag: first audio later than this, in ms (default 1500). */
  slowMs?: number;
  /** Keep what the assistant said (transcript or text) on each response, for transcripts. */
  keepText?: boolean;
  /** A filter: a turn is `matched` when any of its frames passes (README: the filter options select turns). */
  match?: (f: Frame) => boolean;
  onTurn?(t: TurnRecord): void;
  onConfig?(e: ConfigEntry): void;
  /** Something the model cannot tell, said once per session (an unknown audio format, a model without a price). */
  onNote?(text: string): void;
}

/** Turns kept open at most; beyond it the oldest is closed even with responses still running. */
const MAX_OPEN = 64;
/** Responses whose audio came before they were known (a capture that joined late), kept until they are. */
const MAX_EARLY = 64;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The text a message item carries: its parts' text or transcript, joined. */
function itemText(item: any): string {
  if (!Array.isArray(item?.content)) return '';
  return item.content.map((p: any) => str(p?.text) ?? str(p?.transcript) ?? '').filter(Boolean).join(' ');
}

export class SessionModel {
  private readonly open: OpenTurn[] = [];
  private readonly responses = new Map<string, OpenResponse>();
  /** Assistant item id → its response, for truncations. User item id → its turn, for transcriptions. */
  private readonly items = new Map<string, OpenResponse>();
  private readonly userItems = new Map<string, OpenTurn>();
  private readonly calls = new Map<string, OpenTool>();
  private readonly clients = new ClientEvents();
  private readonly config = new ConfigTracker();
  private readonly formats = new AudioFormats();
  /** What each client `response.create` asked, in order: out of band or not (matched to `response.created`). */
  private readonly creates: boolean[] = [];
  /** Server-only captures: user input echoed by the server, for the turn the next response starts. */
  private pendingUser: { input: TurnInput; itemId: string | null; text: string | null } | null = null;
  private readonly notes = new Set<string>();
  private readonly errorCounts = new Map<string, number>();
  private readonly sessionErrors: ErrorRecord[] = [];
  private turns = 0;
  private hasClient = false;
  private webrtc = false;
  private readonly earlyAudio = new Map<string, { bytes: number; ms: number; ts: string | null; at: number; items: string[] }>();
  private model: string | null = null;
  private sessionId: string | null = null;
  private firstTs: string | null = null;
  private lastFrame: Frame | null = null;
  /** The response responseOf found last (still in `responses`: cleared whenever one leaves it). */
  private lastResponse: OpenResponse | null = null;
  /** The same for userItemOf. */
  private lastUserItem: { id: string; turn: OpenTurn } | null = null;
  private readonly audio = { outBytes: 0, outSec: 0, outUnknown: false, inBytes: 0, inSec: 0, inUnknown: false };
  private transcriptionTokens = 0;
  private readonly slowMs: number;
  private finished: SessionSummary | null = null;

  constructor(readonly source: string, private readonly o: ModelOptions) {
    this.slowMs = o.slowMs ?? 1500;
  }

  /** Feed one frame. Frames of other protocols (GPT-Live, Translation) are not Realtime turns: ignored. */
  add(f: Frame): void {
    if (f.kind !== 'event' || f.tag.variant.protocol !== 'realtime') return;
    const m = this.o.match ? this.o.match(f) : true;
    if (this.firstTs === null && f.hasTime()) this.firstTs = f.ts;
    this.lastFrame = f;
    if (!f.tag.known) return;
    if (f.direction === 'client') {
      this.hasClient = true;
      this.clients.add(f);
    }
    const turn = this.dispatch(f);
    if (turn) {
      turn.lastSeq = f.seq;
      if (m) turn.matched = true;
    }
  }

  /** Handle one known frame; returns the turn it belongs to, if any. */
  private dispatch(f: Frame): OpenTurn | undefined {
    const type = f.tag.variant.type;
    const client = f.direction === 'client';
    switch (type) {
      // The hot path first: audio is measured from its bytes.
      case 'response.output_audio.delta': return client ? undefined : this.audioDelta(f);
      case 'input_audio_buffer.append': {
        if (!client) return this.current;
        const n = f.audioBytes();
        this.audio.inBytes += n;
        const fmt = this.formats.input;
        if (fmt.name === 'unknown') this.unknownFormat(fmt, 'in');
        else this.audio.inSec += n / fmt.bytesPerSecond;
        return this.current;
      }
      case 'response.output_text.delta': case 'response.output_audio_transcript.delta':
      case 'response.output_text.done': case 'response.output_audio_transcript.done':
        return this.textEvent(f, type);
      case 'session.created': case 'session.updated': case 'session.update':
        this.sessionEvent(f, type);
        return undefined;
      case 'input_audio_buffer.speech_started': return this.speechStarted(f);
      case 'input_audio_buffer.speech_stopped': return this.speechStopped(f);
      case 'input_audio_buffer.committed': return this.committed(f);
      case 'input_audio_buffer.commit': return client ? this.asked(f, 'audio_commit') : undefined;
      case 'conversation.item.create': return client ? this.itemCreate(f) : undefined;
      case 'conversation.item.created': case 'conversation.item.added': case 'conversation.item.done':
        return this.itemEcho(f);
      case 'conversation.item.truncated': case 'conversation.item.truncate': return this.truncated(f, client);
      case 'conversation.item.input_audio_transcription.delta':
      case 'conversation.item.input_audio_transcription.completed':
        return this.transcription(f, type);
      case 'response.create': return client ? this.responseCreate(f) : undefined;
      case 'response.created': return this.responseCreated(f);
      case 'response.function_call_arguments.done': return this.argumentsDone(f);
      case 'response.done': return this.responseDone(f);
      case 'output_audio_buffer.started': case 'output_audio_buffer.stopped': case 'output_audio_buffer.cleared':
        return client ? this.current : this.outputBuffer(f, type);
      default:
        if (ERROR_EVENT_TYPES.has(type) && !client) return this.errorEvent(f, type);
        return this.current;
    }
  }

  private get current(): OpenTurn | undefined {
    return this.open[this.open.length - 1];
  }

  // --- turns ---------------------------------------------------------------------------------------------------

  private startTurn(f: Frame, input: TurnInput): OpenTurn {
    const prev = this.current;
    if (prev?.oobOnly) {
      prev.takeOver(f.seq, f.ts, f.time, input);
      return prev;
    }
    if (prev) prev.closed = true;
    const t = new OpenTurn(++this.turns, f.seq, f.ts, f.time, input);
    this.open.push(t);
    this.settle();
    return t;
  }

  /** Close the turns that are over: two later turns have started and their responses are done (in order). */
  private settle(): void {
    while (this.open.length > 2) {
      const t = this.open[0]!;
      if (this.open.length <= MAX_OPEN && t.responses.some((r) => !r.isDone)) return;
      this.emit(this.open.shift()!);
    }
  }

  private emit(t: OpenTurn): void {
    const rec = turnRecord(t, this.source, this.webrtc, { slowMs: this.slowMs });
    this.lastResponse = null;
    this.lastUserItem = null;
    for (const r of t.responses) {
      this.responses.delete(r.id);
      for (const id of r.itemIds) this.items.delete(id);
    }
    for (const tool of t.tools) if (tool.rec.call_id !== null) this.calls.delete(tool.rec.call_id);
    if (t.userItemId !== null) this.userItems.delete(t.userItemId);
    this.o.onTurn?.(rec);
  }

  /** The turn of the user item a frame names (by item_id): the last one found is tried first, on the bytes. */
  private userItemOf(f: Frame): OpenTurn | undefined {
    const last = this.lastUserItem;
    if (last !== null && f.fieldEquals('item_id', last.id)) return last.turn;
    const id = f.field('item_id');
    const t = id !== undefined ? this.userItems.get(id) : undefined;
    if (t) this.lastUserItem = { id: id!, turn: t };
    return t;
  }

  private setUserItem(t: OpenTurn, id: string | null): void {
    if (id === null || t.userItemId !== null) return;
    this.lastUserItem = null;
    t.userItemId = id;
    if (this.userItems.size >= 4 * MAX_OPEN) this.userItems.delete(this.userItems.keys().next().value!);
    this.userItems.set(id, t);
  }

  /**
   * The user's speech starts a turn. It interrupts the turn before when that turn's response is still in
   * progress, or its audio still playing: over WebRTC, between `output_audio_buffer.started` and
   * `stopped`/`cleared`; over WebSocket, before the first audio's arrival plus the audio's length.
   */
  private speechStarted(f: Frame): OpenTurn {
    // Read from the scanner's fields, unparsed: one of these starts every spoken turn.
    const itemId = f.field('item_id') ?? null;
    const cur = this.current;
    if (cur && cur.input === 'speech' && itemId !== null && cur.userItemId === itemId) return cur;
    const t = f.time;
    let interrupts = false;
    if (cur && !cur.closed) {
      const inBand = cur.inBand();
      const inProgress = inBand.some((r) => !r.isDone);
      const playing = cur.sawBuffer
        ? cur.playing
        : !Number.isNaN(t) && inBand.some((r) => r.hasDeltas && !Number.isNaN(r.firstAudioAt) && t < r.firstAudioAt + r.audioMs);
      interrupts = inProgress || playing;
      if (interrupts) cur.interrupted = true;
    }
    const turn = this.startTurn(f, 'speech');
    turn.bargedIn = interrupts;
    turn.speech = { started: f.ts, stopped: null, audio_start_ms: int(f.num('audio_start_ms')), audio_end_ms: null };
    this.setUserItem(turn, itemId);
    return turn;
  }

  private speechStopped(f: Frame): OpenTurn {
    const itemId = f.field('item_id') ?? null;
    let turn = itemId !== null ? this.userItems.get(itemId) : undefined;
    // A second stop for an item already stopped (a reused id) is new speech, not a correction.
    if (turn?.speech?.stopped != null) turn = undefined;
    if (!turn) {
      const cur = this.current;
      // Speech whose start the capture missed (it joined late): the turn starts here.
      if (cur && cur.input === 'speech' && cur.speech && cur.speech.stopped === null && (itemId === null || cur.userItemId === null)) turn = cur;
      else {
        turn = this.startTurn(f, 'speech');
        turn.speech = { started: null, stopped: null, audio_start_ms: null, audio_end_ms: null };
      }
      this.setUserItem(turn, itemId);
    }
    turn.speech ??= { started: null, stopped: null, audio_start_ms: null, audio_end_ms: null };
    turn.speech.stopped = f.ts;
    turn.speech.audio_end_ms = int(f.num('audio_end_ms'));
    turn.speechStopAt = f.time;
    return turn;
  }

  /** A client frame that asks for a response: it joins a turn still waiting for one, or starts a turn. */
  private asked(f: Frame, input: TurnInput): OpenTurn {
    const cur = this.current;
    if (cur && cur.pending && (cur.input !== 'none' || input === 'none')) {
      cur.triggerAt = f.time;
      return cur;
    }
    const t = this.startTurn(f, input);
    t.triggerAt = f.time;
    return t;
  }

  private committed(f: Frame): OpenTurn | undefined {
    const id = f.field('item_id') ?? null;
    const cur = this.current;
    if (cur && cur.input === 'audio_commit' && cur.pending) this.setUserItem(cur, id);
    else if (!this.hasClient && !(cur && cur.input === 'speech' && cur.pending)) this.pendingUser = { input: 'audio_commit', itemId: id, text: null };
    return cur;
  }

  private itemCreate(f: Frame): OpenTurn | undefined {
    const item = f.tryJson()?.item;
    if (item?.type === 'function_call_output') return this.toolOutput(f, str(item.call_id), str(item.output));
    if (item?.type !== 'message' || item.role !== 'user') return this.current;
    const text = itemText(item);
    const cur = this.current;
    const joined = cur && cur.pending && cur.input !== 'none';
    const t = this.asked(f, 'text');
    if (joined && t.input === 'text') t.userText = [t.userText, text].filter(Boolean).join(' ') || null;
    else if (!joined) t.userText = text || null;
    this.setUserItem(t, str(item.id));
    return t;
  }

  /** The server's copy of an item: tool outputs and typed user messages (their ids, or server-only captures). */
  private itemEcho(f: Frame): OpenTurn | undefined {
    const cur = this.current;
    // Most items are the assistant's, or the user's speech: look inside only those that may be a tool output
    // or a typed message of the user's.
    if (!f.mayContain('function_call_output') && !(f.mayContain('"user"') && (f.mayContain('"input_text"') || f.mayContain('"text"')))) return cur;
    const item = f.tryJson()?.item;
    if (item?.type === 'function_call_output') return this.toolOutput(f, str(item.call_id), str(item.output));
    if (item?.type !== 'message' || item.role !== 'user') return cur;
    if (!Array.isArray(item.content) || !item.content.some((p: any) => p?.type === 'input_text' || p?.type === 'text')) return cur;
    const id = str(item.id);
    if (id !== null && this.userItems.has(id)) return this.userItems.get(id);
    if (cur && cur.input === 'text' && cur.userItemId === null) {
      this.setUserItem(cur, id);
      return cur;
    }
    if (!this.hasClient) this.pendingUser = { input: 'text', itemId: id, text: itemText(item) || null };
    return cur;
  }

  private transcription(f: Frame, type: string): OpenTurn | undefined {
    // Deltas are read from the scanner's fields, never parsed: there are many of them.
    if (type.endsWith('.delta')) {
      const t = this.userItemOf(f);
      if (!t) return this.current;
      t.transcriptDeltas += f.field('delta') ?? '';
      return t;
    }
    const e = f.tryJson() ?? {};
    const u = e.usage;
    if (u && typeof u === 'object' && typeof u.total_tokens === 'number' && (u.type === 'tokens' || u.type === undefined)) this.transcriptionTokens += u.total_tokens;
    const id = str(e.item_id);
    const t = id !== null ? this.userItems.get(id) : undefined;
    if (!t) return this.current;
    t.transcriptDone = str(e.transcript);
    return t;
  }

  // --- responses -----------------------------------------------------------------------------------------------

  private responseCreate(f: Frame): OpenTurn | undefined {
    const r = f.tryJson()?.response;
    const oob = r !== null && typeof r === 'object' && r.conversation === 'none';
    if (this.creates.length >= 64) this.creates.shift();
    this.creates.push(oob);
    if (oob) return this.current;
    const cur = this.current;
    if (cur && cur.awaitingFollowUp) return cur;
    return this.asked(f, 'none');
  }

  private responseCreated(f: Frame): OpenTurn | undefined {
    const r = f.tryJson()?.response;
    const id = str(r?.id);
    if (id === null) return this.current;
    if (this.responses.has(id)) return this.responses.get(id)!.turn;
    const asked = this.creates.shift();
    const oob = r.conversation_id === null || (r.conversation_id === undefined && asked === true);
    const turn = this.turnForResponse(f, oob);
    this.formats.response(r);
    const resp = this.newResponse(f, id, turn, oob);
    resp.created = f.ts;
    resp.createdAt = f.time;
    return turn;
  }

  /** The turn a new response belongs to. */
  private turnForResponse(f: Frame, oob: boolean): OpenTurn {
    const cur = this.current;
    if (!cur && oob) {
      // An out-of-band response never starts a turn, but a turn's figures are where its cost is counted: the
      // turn opened to hold it becomes the first real one when that starts (or stays, when none ever does).
      const t = this.startTurn(f, 'none');
      t.oobOnly = true;
      return t;
    }
    // The first response in the conversation, after out-of-band ones only: the turn they opened starts here.
    if (!cur || (cur.oobOnly && !oob)) return this.startFromServer(f);
    // With client frames, the client's own frames decided where turns start. Server-only, a response starts a
    // turn unless one is waiting for it (speech, or a tool follow-up), or it is out of band.
    if (oob || this.hasClient || cur.pending || cur.awaitingFollowUp) return cur;
    return this.startFromServer(f);
  }

  private startFromServer(f: Frame): OpenTurn {
    const p = this.pendingUser;
    this.pendingUser = null;
    const t = this.startTurn(f, p?.input ?? 'none');
    if (p) {
      t.userText = p.text;
      this.setUserItem(t, p.itemId);
    }
    return t;
  }

  private newResponse(f: Frame, id: string, turn: OpenTurn, oob: boolean): OpenResponse {
    const resp = new OpenResponse(id, turn, oob, f.seq, this.model, this.formats.outputFor(id));
    turn.responses.push(resp);
    if (!oob) turn.awaitingFollowUp = turn.oobOnly = false;
    const early = this.earlyAudio.get(id);
    if (early) {
      // Audio deltas that came before the response was known (a capture that joined late): its own after all.
      this.earlyAudio.delete(id);
      resp.audioBytes = early.bytes;
      resp.audioMs = early.ms;
      resp.hasDeltas = true;
      resp.firstAudio = early.ts;
      resp.firstAudioAt = resp.firstDeltaAt = early.at;
      for (const item of early.items) this.addItem(resp, item);
    }
    if (this.responses.size >= 16 * MAX_OPEN) this.responses.delete(this.responses.keys().next().value!);
    this.responses.set(id, resp);
    this.lastResponse = null;
    return resp;
  }

  private responseOf(f: Frame): OpenResponse | undefined {
    // Deltas come in runs of one response: the last one found is tried first, on the bytes.
    const last = this.lastResponse;
    if (last !== null && f.fieldEquals('response_id', last.id)) return last;
    const id = f.field('response_id');
    const r = id === undefined ? undefined : this.responses.get(id);
    if (r) this.lastResponse = r;
    return r;
  }

  private audioDelta(f: Frame): OpenTurn | undefined {
    const n = f.audioBytes();
    const r = this.responseOf(f);
    const fmt = r ? r.format : this.formats.outputFor(f.field('response_id'));
    this.audio.outBytes += n;
    if (fmt.name === 'unknown') this.unknownFormat(fmt, 'out');
    else this.audio.outSec += n / fmt.bytesPerSecond;
    if (!r) {
      this.earlyDelta(f, n, fmt.name === 'unknown' ? 0 : (n * 1000) / fmt.bytesPerSecond);
      return this.current;
    }
    r.audioBytes += n;
    r.audioMs += (n * 1000) / fmt.bytesPerSecond;
    if (!r.hasDeltas) {
      r.hasDeltas = true;
      r.firstAudio = f.ts;
      r.firstAudioAt = f.time;
      if (Number.isNaN(r.firstDeltaAt)) r.firstDeltaAt = r.firstAudioAt;
      this.addItem(r, f.field('item_id'));
    }
    return r.turn;
  }

  /** Keep the audio of a response not known yet, by its id (at most MAX_EARLY of them, the oldest forgotten). */
  private earlyDelta(f: Frame, bytes: number, ms: number): void {
    const id = f.field('response_id');
    if (typeof id !== 'string') return;
    let e = this.earlyAudio.get(id);
    if (!e) {
      if (this.earlyAudio.size >= MAX_EARLY) this.earlyAudio.delete(this.earlyAudio.keys().next().value!);
      this.earlyAudio.set(id, (e = { bytes: 0, ms: 0, ts: f.ts, at: f.time, items: [] }));
    }
    e.bytes += bytes;
    e.ms += ms;
    const item = f.field('item_id');
    if (typeof item === 'string' && !e.items.includes(item) && e.items.length < 16) e.items.push(item);
  }

  private addItem(r: OpenResponse, id: string | null | undefined): void {
    if (typeof id !== 'string' || r.itemIds.includes(id)) return;
    r.itemIds.push(id);
    this.items.set(id, r);
  }

  private textEvent(f: Frame, type: string): OpenTurn | undefined {
    const r = this.responseOf(f);
    if (!r) return this.current;
    if (Number.isNaN(r.firstDeltaAt) && type.endsWith('.delta')) r.firstDeltaAt = f.time;
    if (this.o.keepText) {
      const e = f.tryJson() ?? {};
      const key = `${e.item_id}:${e.content_index}`;
      if (type.endsWith('.delta')) r.text(key, str(e.delta), null);
      else r.text(key, null, str(e.text) ?? str(e.transcript));
    }
    return r.turn;
  }

  private argumentsDone(f: Frame): OpenTurn | undefined {
    const r = this.responseOf(f);
    if (!r) return this.current;
    const e = f.tryJson() ?? {};
    this.addTool(r, str(e.call_id), str(e.name) ?? '?', str(e.arguments) ?? '', f.ts, f.time);
    return r.turn;
  }

  private addTool(r: OpenResponse, callId: string | null, name: string, args: string, ts: string | null, at: number): void {
    if (callId !== null && r.tools.some((t) => t.rec.call_id === callId)) return;
    const tool: OpenTool = {
      rec: { name, call_id: callId, arguments: args, wait_ms: null, response_id: r.id, arguments_done: ts, output_sent: null, output: null },
      argsAt: at, outAt: NaN,
    };
    r.tools.push(tool);
    r.turn.tools.push(tool);
    if (callId !== null) this.calls.set(callId, tool);
  }

  /** A function call's output, sent by the client (or echoed by the server): the end of the tool's wait. */
  private toolOutput(f: Frame, callId: string | null, output: string | null): OpenTurn | undefined {
    const tool = callId !== null ? this.calls.get(callId) : undefined;
    if (!tool) return this.current;
    const turn = tool.rec.response_id ? this.responses.get(tool.rec.response_id)?.turn : undefined;
    if (tool.rec.output_sent === null && tool.rec.output === null) {
      tool.rec.output_sent = f.ts;
      tool.rec.output = output;
      tool.outAt = f.time;
      if (!Number.isNaN(tool.argsAt) && !Number.isNaN(tool.outAt)) tool.rec.wait_ms = Math.round(tool.outAt - tool.argsAt);
      if (turn) turn.awaitingFollowUp = true;
    }
    return turn ?? this.current;
  }

  private responseDone(f: Frame): OpenTurn | undefined {
    const r = f.tryJson()?.response;
    const id = str(r?.id);
    if (id === null) return this.current;
    let resp = this.responses.get(id);
    if (!resp) {
      // A response.done without its response.created (a capture that joined late, or a filter).
      const oob = r.conversation_id === null;
      resp = this.newResponse(f, id, this.turnForResponse(f, oob), oob);
    }
    resp.done = f.ts;
    resp.doneAt = f.time;
    resp.status = str(r.status) ?? 'unknown';
    const d = r.status_details;
    if (resp.status === 'failed') {
      const code = errorCode(d?.error, 'unknown');
      resp.error = { code, message: errorMessage(d?.error) };
      resp.reason = code;
      this.error(resp.turn, { code, message: resp.error.message, caused_by: null, seq: f.seq, ts: f.ts, kind: 'response' });
    } else {
      resp.reason = str(d?.reason);
    }
    resp.usage = readUsage(r.usage);
    if (resp.usage) {
      const price = this.o.prices.lookup(resp.model);
      if (price) resp.cost = costOf(resp.usage, price.rates);
      else {
        resp.unpriced = true;
        this.note(resp.model === null ? 'cost unknown: the capture names no model (no session.created)' : `no price for model ${resp.model}; pass --prices FILE`);
      }
    }
    for (const item of Array.isArray(r.output) ? r.output : []) {
      if (item?.type === 'function_call') this.addTool(resp, str(item.call_id), str(item.name) ?? '?', str(item.arguments) ?? '', null, NaN);
      else if (item?.type === 'message') {
        this.addItem(resp, str(item.id));
        if (this.o.keepText && resp.doneText === null) resp.doneText = itemText(item) || null;
      }
    }
    if (resp.turn.closed) this.settle();
    return resp.turn;
  }

  private truncated(f: Frame, client: boolean): OpenTurn | undefined {
    const e = f.tryJson() ?? {};
    const r = typeof e.item_id === 'string' ? this.items.get(e.item_id) : undefined;
    const ms = int(e.audio_end_ms);
    if (!r || ms === null) return this.current;
    // The server's confirmation wins over the client's request.
    if (!client || r.truncatedMs === null) r.truncatedMs = ms;
    return r.turn;
  }

  private outputBuffer(f: Frame, type: string): OpenTurn | undefined {
    this.webrtc = true;
    const r = this.responseOf(f);
    const turn = r?.turn ?? this.current;
    if (!turn) return undefined;
    turn.sawBuffer = true;
    if (type === 'output_audio_buffer.started') {
      turn.playing = true;
      if (r && !r.hasDeltas && r.firstAudio === null) {
        r.firstAudio = f.ts;
        r.firstAudioAt = f.time;
      }
    } else {
      turn.playing = false;
    }
    return turn;
  }

  // --- errors, session, notes ----------------------------------------------------------------------------------

  private errorEvent(f: Frame, type: string): OpenTurn | undefined {
    const e = f.tryJson() ?? {};
    const err = e.error;
    const code = errorCode(err, fallbackCode(type));
    let causedBy = null;
    if (type === 'error') {
      causedBy = this.clients.find(err?.event_id);
      if (causedBy?.type === 'session.update') this.config.rejected(causedBy.event_id);
    }
    const kind = type === 'error' ? 'error' : type.includes('transcription') ? 'transcription' : 'mcp';
    const turn = (kind === 'transcription' && typeof e.item_id === 'string' && this.userItems.get(e.item_id)) || this.current;
    this.error(turn, { code, message: errorMessage(err), caused_by: causedBy, seq: f.seq, ts: f.ts, kind });
    return turn;
  }

  private error(turn: OpenTurn | undefined, rec: ErrorRecord): void {
    this.errorCounts.set(rec.code, (this.errorCounts.get(rec.code) ?? 0) + 1);
    if (turn) turn.errors.push(rec);
    else if (this.sessionErrors.length < 1000) this.sessionErrors.push(rec);
  }

  private sessionEvent(f: Frame, type: string): void {
    const e = f.tryJson();
    const s = e?.session;
    let entry: ConfigEntry;
    if (type === 'session.update') {
      if (f.direction !== 'client') return;
      entry = this.config.update(f.seq, f.ts, str(e?.event_id), s);
    } else {
      if (f.direction === 'client') return;
      this.formats.session(s);
      if (typeof s?.model === 'string') this.model = s.model;
      if (type === 'session.created') {
        if (typeof s?.id === 'string') this.sessionId = s.id;
        entry = this.config.created(f.seq, f.ts, s);
      } else {
        entry = this.config.updated(f.seq, f.ts, s);
      }
    }
    this.o.onConfig?.(entry);
  }

  private unknownFormat(fmt: AudioFormat, side: 'in' | 'out'): void {
    if (side === 'out') this.audio.outUnknown = true;
    else this.audio.inUnknown = true;
    this.note(`audio in an unknown format (${fmt.label}): its length in seconds is not counted`);
  }

  private note(text: string): void {
    if (this.notes.has(text)) return;
    this.notes.add(text);
    this.o.onNote?.(text);
  }

  /** The errors that came before any turn (a rejected session.update, say). */
  get errorsBeforeTurns(): readonly ErrorRecord[] {
    return this.sessionErrors;
  }

  /** End of the capture: every open turn is closed (responses never done are `unfinished`). Idempotent. */
  finish(): SessionSummary {
    if (this.finished) return this.finished;
    while (this.open.length) this.emit(this.open.shift()!);
    const a = this.audio;
    this.finished = {
      source: this.source,
      session_id: this.sessionId,
      model: this.model,
      span: { first: this.firstTs, last: this.lastFrame?.ts ?? null },
      config: this.config.current,
      audio: {
        output_bytes: a.outBytes,
        output_seconds: a.outUnknown || (a.outBytes === 0 && this.webrtc) ? null : Math.round(a.outSec * 1000) / 1000,
        input_bytes: a.inBytes,
        input_seconds: a.inUnknown ? null : Math.round(a.inSec * 1000) / 1000,
      },
      transcription_tokens: this.transcriptionTokens,
      errors: this.errorCounts,
      notes: [...this.notes],
    };
    this.lastFrame = null;
    return this.finished;
  }
}

/**
 * One model per session: a new one for each source, in reading order (sources are read one after the other).
 * Every model shares the options, so turns, notes and config entries come out through the same callbacks.
 */
export class SessionModels {
  private cur: SessionModel | null = null;
  private lastLine = 0;
  readonly done: SessionSummary[] = [];

  constructor(private readonly o: ModelOptions) {}

  add(f: Frame): void {
    // A new source, or the same file given again (its lines start over).
    if (!this.cur || this.cur.source !== f.source || f.line < this.lastLine) {
      if (this.cur) this.done.push(this.cur.finish());
      this.cur = new SessionModel(f.source, this.o);
    }
    this.lastLine = f.line;
    this.cur.add(f);
  }

  /** Finish every session; the summaries in reading order. */
  finish(): SessionSummary[] {
    if (this.cur) this.done.push(this.cur.finish());
    this.cur = null;
    return this.done;
  }
}
