import { frameWriter, type FrameWriter } from '../format/frame-writer.js';
import type { TimeMode } from '../format/pretty.js';
import { compileFilter, filterWarnings, type FilterSpec, type FrameTest } from '../pipeline/filter.js';
import { classifyLine, lineProtocol } from '../pipeline/classify.js';
import { readEventLine, recordingLine } from '../record/line.js';
import { Recorder, RecordError, defaultRecordingPath } from '../record/recorder.js';
import { EndpointError, resolveEndpoint, type Endpoint } from '../sources/endpoint.js';
import { scrubberFor, type Scrubber } from '../sources/secrets.js';
import { connectLive, MAX_FRAME_BYTES, type LiveEnd } from '../sources/websocket.js';
import { LineSplitter } from '../sources/lines.js';
import { lineWidth } from './cat.js';
import { EXIT, type Ctx } from './context.js';
import { LiveDisplay } from '../format/live-display.js';
import { bytes, seconds } from '../format/summary.js';
import { escapeControls } from '../format/escape.js';
import type { Frame } from '../events/frame.js';
import { parseAudioFormat, PCM16, sessionFormats, type AudioFormat } from '../pipeline/audio-format.js';
import type { Protocol } from '../events/catalogue.js';
import { protocolFromUrl, protocolOfFrame } from '../events/protocol.js';
import { BETA_SHUTDOWN } from '../pipeline/check-live.js';
import { handshakeProblem, planHandshake, type HandshakeOptions } from '../send/handshake.js';
import type { Outgoing } from '../send/outbox.js';
import { sendAll } from '../send/sender.js';

export interface LiveOptions extends FilterSpec, HandshakeOptions {
  /** Read the endpoint as this protocol, whatever its path says. */
  protocol?: Protocol;
  callId?: string;
  model?: string;
  header?: string[];
  reconnect?: boolean;
  /** Send keys over plain ws:// to a host that is not loopback. */
  insecure?: boolean;
  /** A file to record to; undefined for the default file, false for none. */
  record?: string | false;
  force?: boolean;
  /** Print frames (tail) or only a status line (record). */
  print: boolean;
  json?: boolean;
  exitAfter?: string;
  timeout?: number;
  time: TimeMode;
  all?: boolean;
  wide?: boolean;
  version: string;
  command: string;
}

/** What to send once the session is up (--send, --say, --audio), and how fast to stream audio. */
export interface Outbox {
  items: Outgoing[];
  audioSpeed: 'real' | 'max';
}

/** Capped exponential backoff for --reconnect: 1 s, 2 s, 4 s … 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(30000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** Why a live run ended from our side. */
type Stop = 'match' | 'timeout' | 'record-failed' | 'stdout' | NodeJS.Signals;

/** The frames of one live run, shown (tail) and recorded, with secrets scrubbed and --exit-after watched. */
class Session {
  seq = 0;
  /** Frames received from the server. */
  received = 0;
  matched = false;
  readonly started = Date.now();
  private statusTimer: NodeJS.Timeout | null = null;
  private readonly scrubber: Scrubber | null;

  constructor(
    private readonly ctx: Ctx,
    private readonly ep: Endpoint | null,
    private readonly recorder: Recorder | null,
    private readonly display: LiveDisplay | null,
    private readonly keep: FrameTest,
    private readonly exitAfter: FrameTest | null,
    private readonly onMatch: () => void,
    /** The protocol the endpoint speaks (from its URL); null: decided by the first frames, Realtime until then. */
    private protocol: Protocol | null = null,
    /** The server event after which the rest is sent (handshake.ts), and what to do then. */
    private readonly trigger: { type: string | null; then: (f: Frame) => void } = { type: null, then: () => {} },
  ) {
    this.scrubber = ep ? scrubberFor(ep.secrets) : null;
  }

  /** The time a frame is recorded at, made once per millisecond (a flood brings dozens of frames in one). */
  private clock = { ms: NaN, iso: '' };
  private now(): string {
    const ms = Date.now();
    if (ms !== this.clock.ms) this.clock = { ms, iso: new Date(ms).toISOString() };
    return this.clock.iso;
  }

  private sawSession = false;
  /** The beta shutdown was explained (once). */
  betaSaid = false;

  /** A frame as it arrives: recorded first, then shown. */
  frame(data: Buffer, isBinary: boolean, dir: 'server' | 'client'): void {
    // Secrets in any form, text or binary (before base64), never reach the recording or the screen.
    if (this.scrubber) data = this.scrubber.bytes(data);
    if (dir === 'server') this.received++;
    const ts = this.now();
    const source = this.ep?.shown ?? 'stdin';
    const seq = ++this.seq;
    const classify = (line: Buffer) => classifyLine(source, seq, line, 0, line.length, undefined, this.protocol ?? 'realtime');
    // An event is scanned once, as part of its recording line; anything else is recorded as recordingLine says.
    const read = isBinary ? null : readEventLine(ts, dir, data, classify);
    const line = read ? read.line : recordingLine(ts, dir, data, isBinary);
    this.recorder?.frame(line);
    let f = read ? read.frame : classify(line);
    if (f === null || typeof f === 'string') return;
    if (this.protocol === null && f.kind === 'event') {
      // A URL that does not say: the first frame that only one protocol sends decides.
      const hint = protocolOfFrame(f);
      if (hint !== null) {
        this.protocol = hint;
        if (hint !== 'realtime') f = classifyLine(source, this.seq, line, 0, line.length, undefined, hint) as Frame;
      }
    }
    f.seq = this.seq;
    // After --exit-after matched, frames still in flight are recorded but not shown.
    if (this.display && !this.matched) {
      if (this.keep(f)) this.show(f);
      else this.display.observe(f);
    }
    if (!this.sawSession && dir === 'server' && this.trigger.type !== null && f.tag.variant.type === this.trigger.type) {
      this.sawSession = true;
      this.trigger.then(f);
    }
    if (dir === 'server' && !this.betaSaid && f.tag.variant.type === 'error' && f.eventBytes().includes('beta_api_shape_disabled')
      && f.tryJson()?.error?.code === 'beta_api_shape_disabled') this.explainBeta();
    if (this.exitAfter && !this.matched && this.exitAfter(f)) {
      this.matched = true;
      this.onMatch();
    }
  }

  /** The beta shutdown in one line (PROTOCOL.md §8). */
  explainBeta(): void {
    if (this.betaSaid) return;
    this.betaSaid = true;
    this.ctx.say(`rtev: ${BETA_SHUTDOWN}`);
  }

  /** A frame that cannot be shown costs one line on stderr, never the session or its recording. */
  private show(f: Frame): void {
    try {
      this.display!.show(f);
    } catch (e) {
      this.ctx.say(`rtev: frame ${f.seq} cannot be shown (${(e as Error).message}); it is in the recording`);
    }
  }

  /** On a terminal, `record` keeps one status line on stderr: events, bytes, elapsed. */
  startStatus(): void {
    if (!this.ctx.io.stderrIsTTY || !this.recorder) return;
    const r = this.recorder;
    this.statusTimer = setInterval(() => {
      this.ctx.io.stderr.write(`\r\x1b[Krecording ${escapeControls(r.path)}: ${r.frames} events, ${bytes(r.bytes)}, ${seconds((Date.now() - this.started) / 1000)}`);
    }, 250);
  }

  stopStatus(): void {
    if (this.statusTimer) {
      clearInterval(this.statusTimer);
      this.ctx.io.stderr.write('\r\x1b[K');
    }
  }

  elapsed(): number {
    return (Date.now() - this.started) / 1000;
  }
}

function openRecorder(o: LiveOptions, host: string, ctx: Ctx): Recorder | null | number {
  if (o.record === false) return null;
  try {
    // A default name is never overwritten: a second session in the same second gets _2, _3, …
    return o.record === undefined ? new Recorder(defaultRecordingPath(host), false, true, true) : new Recorder(o.record, !!o.force);
  } catch (e) {
    if (!(e instanceof RecordError)) throw e;
    ctx.say(`rtev: ${e.message}`);
    return EXIT.failure;
  }
}

function makeDisplay(o: LiveOptions, ctx: Ctx): LiveDisplay | null {
  if (!o.print) return null;
  const writer: FrameWriter = frameWriter(ctx.out, {
    format: o.json ? 'json' : 'pretty', palette: ctx.palette, time: o.time, wide: !!o.wide,
    width: lineWidth(ctx, o.wide), all: !!o.all, tty: ctx.io.stdoutIsTTY,
  });
  return new LiveDisplay(writer, ctx.out, ctx.io.stdout, ctx.io.stdoutIsTTY && !o.json, ctx.say);
}

/** The summary line on stderr at the end of a recording. */
function summary(ctx: Ctx, s: Session, rec: Recorder | null, how: string): void {
  const frames = (n: number) => `${n} frame${n === 1 ? '' : 's'}`;
  if (rec) ctx.say(`rtev: recorded ${frames(rec.frames)} (${bytes(rec.bytes)}) in ${seconds(s.elapsed())} to ${rec.path}; ${how}`);
  else ctx.say(`rtev: ${frames(s.seq)} in ${seconds(s.elapsed())}; ${how}`);
}

/** The session's input format and whether the server detects turns (GA or beta fields; on by default). */
function sessionInput(f: Frame): { input: AudioFormat; serverVad: boolean } {
  const s = f.tryJson()?.session ?? {};
  if (f.tag.variant.protocol === 'live') {
    // GPT-Live: one format for both directions, chosen at session.start; the model takes turns itself.
    const fmt = parseAudioFormat(s.audio?.format);
    return { input: fmt && fmt.name !== 'unknown' ? fmt : PCM16, serverVad: true };
  }
  if (f.tag.variant.protocol === 'translation') return { input: PCM16, serverVad: true };
  const named = sessionFormats(s).input;
  // Audio can only be sent in a format rtev can encode; an unknown one gets OpenAI's default.
  const input = named && named.name !== 'unknown' ? named : PCM16;
  const td = s.audio?.input !== undefined && 'turn_detection' in (s.audio.input ?? {}) ? s.audio.input.turn_detection : s.turn_detection;
  return { input, serverVad: td !== null };
}

/** --type/--exclude/--exit-after patterns that match no known type, as the reading commands warn of them (a likely typo). */
function warnFilter(o: FilterSpec & { exitAfter?: string }, ctx: Ctx): void {
  for (const w of filterWarnings(o)) ctx.say(escapeControls(`rtev: warning: ${w}`));
  // An --exit-after that names no known type would wait for ever: said, as for --type.
  if (o.exitAfter) for (const w of filterWarnings({ type: [o.exitAfter] })) ctx.say(escapeControls(`rtev: warning: ${w.replace(/^--type /, '--exit-after ')}`));
}

/** `tail` and `record` of a live WebSocket source. */
export async function runLive(source: string | undefined, o: LiveOptions, ctx: Ctx, outbox: Outbox = { items: [], audioSpeed: 'real' }): Promise<number> {
  let ep: Endpoint;
  let keep: FrameTest;
  let exitAfter: FrameTest | null;
  try {
    ep = resolveEndpoint({ source, callId: o.callId, attach: o.attach, model: o.model, headers: o.header, insecure: o.insecure }, ctx.io.env);
    keep = compileFilter(o);
    exitAfter = o.exitAfter ? compileFilter({ type: [o.exitAfter] }) : null;
  } catch (e) {
    if (e instanceof EndpointError) {
      ctx.say(`rtev: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
  warnFilter(o, ctx);
  // The protocol comes from the URL (PROTOCOL.md §9), or --protocol for a path that says nothing; what to send,
  // and when, from the protocol.
  const protocol = o.protocol ?? protocolFromUrl(ep.url);
  const problem = handshakeProblem(protocol ?? 'realtime', o, outbox.items);
  if (problem) {
    ctx.say(`rtev: ${problem}`);
    return EXIT.usage;
  }
  const plan = planHandshake(protocol ?? 'realtime', o, outbox.items);
  const betaHeader = Object.keys(ep.headers).some((h) => h.toLowerCase() === 'openai-beta');
  if (ep.keyOnCommandLine) {
    ctx.say('rtev: warning: the key in the URL is on the command line, where other users of this machine can read it (ps, /proc); export OPENAI_API_KEY instead');
  }
  const recorder = openRecorder(o, ep.host, ctx);
  if (typeof recorder === 'number') return recorder;
  recorder?.meta({ version: o.version, command: o.command, source: ep.shown, ...(betaHeader ? { beta_header: true } : {}) });

  let conn: Awaited<ReturnType<typeof connectLive>> | null = null;
  let stop: Stop | null = null;
  const end = (why: Stop) => {
    if (stop === null) stop = why;
    conn?.close();
  };
  if (recorder) recorder.onFail = () => end('record-failed');
  const display = makeDisplay(o, ctx);
  if (display) ctx.out.onClose(() => end('stdout'));
  const send = (text: string) => { conn!.send(text); session.frame(Buffer.from(text), false, 'client'); };
  const startSending = (created: Frame | null) => {
    if (!plan.rest.length) return;
    const c = conn!;
    let closedNow = false;
    void c.done.then(() => { closedNow = true; });
    const input = created ? sessionInput(created) : { input: PCM16, serverVad: true };
    sendAll(plan.rest, { send, closed: () => closedNow || stop !== null, received: () => session.received }, input, outbox.audioSpeed, plan.audio)
      .catch((e) => ctx.say(`rtev: sending failed: ${(e as Error).message}`));
  };
  const session = new Session(ctx, ep, recorder, display, keep, exitAfter, () => end('match'), protocol, { type: plan.after, then: startSending });
  // On each connection: what goes first (GPT-Live's session.start), and, without a server event to wait for
  // (an observer), the rest.
  const opened = () => {
    for (const t of plan.onOpen) send(t);
    if (plan.after === null) startSending(null);
  };
  ctx.io.onSignal?.((sig) => end(sig));
  const timeout = o.timeout ? setTimeout(() => end('timeout'), o.timeout * 1000) : null;
  session.startStatus();

  let result: LiveEnd;
  for (let attempt = 0; ; attempt++) {
    conn = await connectLive(ep, {
      open: opened,
      frame: (data, isBinary) => session.frame(data, isBinary, 'server'),
    });
    if (stop !== null) conn.close();
    result = await conn.done;
    if (stop !== null || !o.reconnect || (!result.retryable && !result.ok)) break;
    const wait = backoffMs(attempt + 1);
    ctx.say(`rtev: ${result.message}; reconnecting in ${seconds(wait / 1000)}`);
    recorder?.meta({ reconnect: attempt + 1, after: result.message, wait_ms: wait });
    await new Promise((r) => setTimeout(r, wait));
    if (stop !== null) break;
  }
  if (timeout) clearTimeout(timeout);
  // Close 4000 after an OpenAI-Beta header: the beta shape, shut off (PROTOCOL.md §8).
  if (result.code === 4000 && betaHeader) session.explainBeta();
  session.stopStatus();
  display?.end();
  const stopped = stop as Stop | null;
  const signalled = stopped === 'SIGINT' || stopped === 'SIGTERM';
  // After a signal, stdout may be a pipe nobody reads: hand it what is left, but do not wait for it.
  if (signalled || stopped === 'stdout') ctx.out.push();
  else await ctx.out.flush();

  const how = signalled ? `interrupted (${stopped})`
    : stopped === 'match' ? `ended after ${o.exitAfter}`
    : stopped === 'timeout' ? (o.exitAfter ? `no ${o.exitAfter} within ${o.timeout} s` : `ended after ${o.timeout} s (--timeout)`)
    : stopped === 'stdout' ? (ctx.out.error ? 'stdout failed' : 'the reader of stdout went away')
    : result.message;
  recorder?.meta({
    end: stopped ?? (result.ok ? 'closed' : 'failed'), code: result.code, reason: result.reason,
    message: stopped ? how : result.message, frames: recorder.frames,
  });
  recorder?.close();
  if (recorder?.failed) {
    // The disk is full or the file too large: the file keeps whole lines; say so, and what else ended.
    ctx.say(`rtev: ${recorder.failed}`);
    return signalled ? (stopped === 'SIGINT' ? EXIT.sigint : EXIT.sigterm) : EXIT.failure;
  }
  if (stopped === 'stdout') {
    summary(ctx, session, recorder, how);
    return ctx.out.error ? EXIT.failure : EXIT.ok;
  }
  if (signalled) {
    summary(ctx, session, recorder, how);
    return stopped === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
  }
  if (stopped === 'match') {
    // Where the recording is, as every other end says (without one, nothing to say: scripts wait on this).
    if (recorder) summary(ctx, session, recorder, how);
    return EXIT.ok;
  }
  if (stopped === 'timeout') {
    // With --exit-after, the timeout means the awaited event never came; alone, it is just how long to watch.
    if (!o.exitAfter) {
      summary(ctx, session, recorder, how);
      return EXIT.ok;
    }
    ctx.say(`rtev: ${how}${recorder ? `; ${recorder.frames} frames recorded to ${recorder.path}` : ''}`);
    return EXIT.failure;
  }
  // A failure is one line: what happened, then where the frames that did arrive are.
  if (!result.ok) ctx.say(`rtev: ${result.message}${recorder ? `; ${recorder.frames} frames recorded to ${recorder.path}` : ''}`);
  else if (recorder) summary(ctx, session, recorder, result.message);
  return result.ok ? EXIT.ok : EXIT.failure;
}

/** `record -`: bare event lines from a pipe, timestamped as they arrive. */
export async function recordStdin(o: LiveOptions, ctx: Ctx): Promise<number> {
  const recorder = openRecorder(o, 'stdin', ctx);
  if (typeof recorder === 'number') return recorder;
  recorder?.meta({ version: o.version, command: o.command, source: 'stdin' });
  const session = new Session(ctx, null, recorder, makeDisplay(o, ctx), compileFilter(o), null, () => {}, o.protocol ?? null);
  let stop: NodeJS.Signals | null = null;
  ctx.io.onSignal?.((sig) => { stop = sig; (ctx.io.stdin as NodeJS.ReadStream).destroy?.(); });
  session.startStatus();
  // A write that fails ends the reading: nothing more could be recorded.
  if (recorder) recorder.onFail = () => (ctx.io.stdin as NodeJS.ReadStream).destroy?.();
  // The stream's protocol, from its first frames (--protocol forces it): it decides which types are the client's.
  let protocol: Protocol | null = o.protocol ?? null;
  const splitter = new LineSplitter(MAX_FRAME_BYTES, {
    line: (buf, s, e) => {
      if (s === e) return;
      const data = buf.subarray(s, buf[e - 1] === 0x0d ? e - 1 : e);
      protocol ??= lineProtocol(data, 0, data.length);
      const f = classifyLine('stdin', 0, data, 0, data.length, undefined, protocol ?? 'realtime');
      // A meta line of a recording piped in is not a frame; a recording line's event is recorded as the event
      // itself, with its direction (re-timed: the time is when it arrived here).
      if (f === null) return;
      if (typeof f !== 'string' && f.kind === 'event' && f.isEnvelope) return session.frame(Buffer.from(f.eventBytes()), false, f.direction);
      // A bare line has no direction: it takes its variant's (client event types are the client's).
      session.frame(data, false, typeof f !== 'string' ? f.direction : 'server');
    },
    tooLong: (n, size) => ctx.say(`stdin:${n}: line of ${size} bytes is over the ${MAX_FRAME_BYTES / 1024 / 1024} MiB limit of a frame, skipped`),
  });
  try {
    for await (const chunk of ctx.io.stdin as AsyncIterable<Buffer>) splitter.push(chunk);
  } catch {
    // stdin destroyed by a signal or a failed write: what was read is recorded.
  }
  splitter.end();
  session.stopStatus();
  await ctx.out.flush();
  const stopped = stop as NodeJS.Signals | null;
  recorder?.meta({ end: stopped ?? 'eof', frames: recorder.frames });
  recorder?.close();
  if (recorder?.failed) {
    ctx.say(`rtev: ${recorder.failed}`);
    return EXIT.failure;
  }
  summary(ctx, session, recorder, stopped ? `interrupted (${stopped})` : 'end of input');
  return stopped === 'SIGINT' ? EXIT.sigint : stopped === 'SIGTERM' ? EXIT.sigterm : EXIT.ok;
}
