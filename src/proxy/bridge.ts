/**
 * One proxied WebSocket: the app's socket and the upstream's, joined. Every message goes on unchanged (the
 * same bytes, text as text, binary as binary) and in order; each side's pings are answered on its own hop;
 * a close on one side closes the other with the same code and reason; a slow reader pauses the other side.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export type Side = 'app' | 'upstream';

export interface BridgeEnd {
  /** Who closed first: the app, the upstream, or rtev (stopping, or a peer that stopped answering pings). */
  by: Side | 'rtev';
  /** The code and reason as received from the side that closed first (1005: none given, 1006: lost). */
  code: number;
  reason: string;
  /** What was sent on to the other side, when it differs (1005 → 1000, 1006 → 1011). */
  sentCode: number;
  /** A protocol error that ended the connection, if any. */
  error: string | null;
}

export interface BridgeHooks {
  /** A message as rtev received it: `client` from the app, `server` from the upstream. */
  frame(dir: 'client' | 'server', data: Buffer, isBinary: boolean): void;
  /** Both sides are closed. */
  end(e: BridgeEnd): void;
}

/** Pause reading from one side while more than this waits to be written to the other. */
export const HIGH_WATER = 4 << 20;
const OPEN = 1;
const CONNECTING = 0;
const CLOSED = 3;

/** A close code that may be sent on the wire (RFC 6455 §7.4): 1005 becomes 1000; 1006 and the rest 1011. */
export function wireCode(code: number): number {
  if (code === 1005) return 1000;
  const sendable = (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
  return sendable ? code : 1011;
}

/** The socket under a `ws` WebSocket: `ws` keeps it in `_socket`, with no public accessor. */
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket?: Duplex | null })._socket ?? null;
const corked = new Set<Duplex>();

/**
 * Hold `to`'s writes until the messages read in this tick are all forwarded: one write(2) for a whole
 * chunk of small messages instead of one each (which cost 40% of the time at 40,000 frames/s).
 */
function corkUntilNextTick(to: WebSocket): void {
  const socket = socketOf(to);
  if (!socket || corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    socket.uncork();
  });
}

/** Forward one message, pausing `from` until `to` has written it when `to` is too far behind. */
function forward(from: WebSocket, to: WebSocket, data: Buffer, isBinary: boolean): void {
  if (to.readyState !== OPEN) return;
  corkUntilNextTick(to);
  if (!from.isPaused && to.bufferedAmount + data.length > HIGH_WATER) {
    from.pause();
    to.send(data, { binary: isBinary }, () => from.resume());
  } else {
    to.send(data, { binary: isBinary });
  }
}

export class Bridge {
  private first: BridgeEnd | null = null;
  private done = false;
  private readonly alive = { app: true, upstream: true };
  private readonly errors: Record<Side, string | null> = { app: null, upstream: null };
  private killTimer: NodeJS.Timeout | null = null;

  /** `early`: what the upstream sent before the app's handshake was complete, in order. */
  constructor(private readonly app: WebSocket, private readonly up: WebSocket, private readonly hooks: BridgeHooks, early: [Buffer, boolean][] = []) {
    for (const [data, isBinary] of early) this.pass(up, app, 'server', data, isBinary);
    app.on('message', (data, isBinary) => { this.alive.app = true; this.pass(app, up, 'client', data as Buffer, isBinary); });
    up.on('message', (data, isBinary) => { this.alive.upstream = true; this.pass(up, app, 'server', data as Buffer, isBinary); });
    for (const ev of ['ping', 'pong'] as const) {
      app.on(ev, () => { this.alive.app = true; });
      up.on(ev, () => { this.alive.upstream = true; });
    }
    app.on('error', (e) => { this.errors.app = e.message; });
    up.on('error', (e) => { this.errors.upstream = e.message; });
    app.on('close', (code, reason) => this.closed('app', code, reason));
    up.on('close', (code, reason) => this.closed('upstream', code, reason));
    // The upstream may have gone while the app's handshake was completing.
    if (up.readyState === CLOSED) this.closed('upstream', 1006, Buffer.alloc(0));
  }

  private pass(from: WebSocket, to: WebSocket, dir: 'client' | 'server', data: Buffer, isBinary: boolean): void {
    forward(from, to, data, isBinary);
    this.hooks.frame(dir, data, isBinary);
  }

  private closed(side: Side, code: number, reason: Buffer): void {
    const other = side === 'app' ? this.up : this.app;
    if (!this.first) {
      this.first = { by: side, code, reason: reason.toString('utf8'), sentCode: wireCode(code), error: this.errors[side] };
    }
    if (other.readyState === OPEN) other.close(wireCode(code), reason);
    else if (other.readyState === CONNECTING) other.terminate();
    this.settle();
  }

  private settle(): void {
    if (this.done || this.app.readyState !== CLOSED || this.up.readyState !== CLOSED) return;
    this.done = true;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.hooks.end(this.first!);
  }

  /** Close both sides from rtev (Ctrl-C, SIGTERM): the same code to each; sockets that do not answer are cut after 2 s. */
  close(code: number, reason: string): void {
    if (!this.first) this.first = { by: 'rtev', code, reason, sentCode: code, error: null };
    for (const ws of [this.app, this.up]) if (ws.readyState === OPEN) ws.close(code, reason);
    this.killTimer ??= setTimeout(() => { this.app.terminate(); this.up.terminate(); }, 2000);
  }

  /**
   * Called every keep-alive interval: a side that answered nothing since the last ping is cut (and the other
   * side closed with 1011). A side that rtev has paused is not read, so it is not judged.
   */
  heartbeat(): void {
    for (const [side, ws] of [['app', this.app], ['upstream', this.up]] as const) {
      if (ws.readyState !== OPEN || ws.isPaused) continue;
      if (!this.alive[side]) {
        this.errors[side] = 'no answer to ping';
        ws.terminate();
        continue;
      }
      this.alive[side] = false;
      ws.ping();
    }
  }
}
