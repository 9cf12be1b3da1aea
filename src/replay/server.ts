import type { WebSocket, WebSocketServer } from 'ws';
import type { Frame } from '../events/frame.js';
import { classifyLine } from '../pipeline/classify.js';
import { textFrameNote } from '../record/line.js';
import { readFrames } from '../sources/read.js';
import { MAX_FRAME_BYTES } from '../sources/websocket.js';
import { MalformedReport } from '../sources/report.js';
import type { Protocol } from '../events/catalogue.js';
import { ClientTriggers, TurnGate } from './turns.js';

export interface ReplayOptions {
  source: string;
  host: string;
  port: number;
  /** A factor (2 = twice as fast), or Infinity for as fast as the client reads. */
  speed: number;
  /** Frames per second for captures without timestamps (Infinity: as fast as possible). */
  rate: number;
  interactive: boolean;
  /**
   * Send each server frame only once the client has sent the client frames recorded before it (waiting 2 s at
   * most): with a client that sends them back (`rtev demo`), both directions keep the recording's order.
   */
  lockstep?: boolean;
  loop: boolean;
  close: boolean;
  stdin: NodeJS.ReadableStream;
  report: MalformedReport;
  /** Each frame a client sends, as it arrives, and the protocol the capture speaks. */
  onClientFrame(data: Buffer, isBinary: boolean, protocol: Protocol): void;
  onError(message: string): void;
}

export interface Replay {
  url: string;
  /** The capture's protocol, which decides the path it is served at. */
  protocol: Protocol;
  server: WebSocketServer;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HIGH_WATER = 1 << 20;

/**
 * What goes on the wire for a recorded frame: its own bytes, its text, or its binary payload. A text frame
 * recorded as bytes (not valid UTF-8) goes back as the text frame it was, byte for byte.
 */
function wire(f: Frame): { data: Buffer | string; binary: boolean } {
  if (f.kind === 'event') return { data: f.eventBytes(), binary: false };
  if (f.kind === 'text') return { data: String(f.json()), binary: false };
  return { data: Buffer.from(String(f.json()), 'base64'), binary: textFrameNote(f.rawBytes()) === null };
}

/** Send, waiting for the socket to take it when the client reads slower than we send. */
function send(ws: WebSocket, f: Frame): Promise<void> | null {
  const { data, binary } = wire(f);
  if (ws.bufferedAmount < HIGH_WATER) {
    ws.send(data, { binary });
    return null;
  }
  return new Promise((resolve) => ws.send(data, { binary }, () => resolve()));
}

/** Play the capture's server frames to one client, from the start, with their spacing. */
async function play(ws: WebSocket, o: ReplayOptions, triggers: ClientTriggers): Promise<void> {
  const closed = () => ws.readyState !== ws.OPEN;
  // A batch's frames go out corked, in as few writes as the socket takes (a write per frame was most of what
  // --speed max cost): flushed when the batch ends, and before any wait. ws keeps its socket as `_socket`.
  const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  const pause = async <T>(p: Promise<T>): Promise<T> => {
    socket?.uncork();
    try {
      return await p;
    } finally {
      socket?.cork();
    }
  };
  do {
    const gate = new TurnGate();
    let t0 = NaN;
    let w0 = Date.now();
    let n = 0;
    let clientFrames = 0;
    for await (const batch of readFrames([o.source], { stdin: o.stdin, report: o.report })) {
      socket?.cork();
      try {
        for (const f of batch) {
          if (closed()) return;
          if (f.direction !== 'server') {
            if (f.kind === 'event') clientFrames++;
            continue;
          }
          const trigger = o.interactive ? gate.before(f) : 'none';
          const t = f.time;
          if (trigger !== 'none') {
            await pause(triggers.wait(trigger, closed));
            if (closed()) return;
            if (!Number.isNaN(t)) { t0 = t; w0 = Date.now(); }
          }
          // Spacing: the capture's own timestamps scaled by --speed, else --rate, else none.
          if (!Number.isNaN(t) && Number.isFinite(o.speed)) {
            // The clock starts with the first frame sent, not at the connection: opening the capture takes time.
            if (Number.isNaN(t0)) { t0 = t; w0 = Date.now(); }
            const due = w0 + (t - t0) / o.speed - Date.now();
            if (due > 1) await pause(sleep(due));
          } else if (Number.isNaN(t) && Number.isFinite(o.rate)) {
            const due = w0 + (n * 1000) / o.rate - Date.now();
            if (due > 1) await pause(sleep(due));
          }
          if (o.lockstep) await pause(triggers.sent(clientFrames, closed, 2000));
          n++;
          const wait = send(ws, f);
          if (wait) await pause(wait);
        }
      } finally {
        socket?.uncork();
      }
    }
  } while (o.loop && !closed());
  if (o.close && !closed()) ws.close(1000, 'end of capture');
  // Otherwise the connection stays open until the client closes it, as a real server's would.
}

/** Where each protocol is served (PROTOCOL.md §9); any path is accepted, this is the one printed. */
const PATHS: Record<Protocol, string> = {
  realtime: '/v1/realtime',
  live: '/v1/live/sessions',
  translation: '/v1/realtime/translations?model=gpt-realtime-translate',
};

/** The protocol of a capture: its first frame's (decided by the reader from the endpoint or the first frames). */
async function captureProtocol(o: ReplayOptions): Promise<Protocol> {
  const quiet = new MalformedReport(() => {});
  for await (const batch of readFrames([o.source], { stdin: o.stdin, report: quiet, onSourceError: () => {} })) {
    if (batch.length) return batch[0]!.tag.variant.protocol;
  }
  return 'realtime';
}

/** Serve a capture over WebSocket: every client gets its own replay from the start. */
export async function startReplay(o: ReplayOptions): Promise<Replay> {
  const { WebSocketServer } = await import('ws');
  const protocol = await captureProtocol(o);
  const server = new WebSocketServer({
    host: o.host, port: o.port, perMessageDeflate: false, maxPayload: MAX_FRAME_BYTES, skipUTF8Validation: true,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('connection', (ws) => {
    const triggers = new ClientTriggers();
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      o.onClientFrame(buf, isBinary, protocol);
      triggers.frame();
      if (!isBinary) {
        const f = classifyLine('client', 0, buf, 0, buf.length, undefined, protocol);
        if (f !== null && typeof f !== 'string') triggers.saw(f.tag.variant.type);
      }
    });
    ws.on('close', () => triggers.stop());
    ws.on('error', () => {});
    play(ws, o, triggers).catch((e) => {
      o.onError(String((e as Error).message ?? e));
      ws.close(1011, 'replay failed');
    });
  });
  const addr = server.address() as { address: string; port: number };
  const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return {
    url: `ws://${host}:${addr.port}${PATHS[protocol]}`,
    protocol,
    server,
    stop: () => new Promise<void>((resolve) => {
      for (const c of server.clients) c.terminate();
      server.close(() => resolve());
    }),
  };
}
