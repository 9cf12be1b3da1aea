// A small scripted realtime server on 127.0.0.1 (port 0), for the live tests: real sockets, never mocks.
import type { ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Script {
  /** Answer the upgrade with this HTTP status instead of accepting it. */
  reject?: number;
  /** Frames to send after the connection opens: a string is a text frame, a Buffer binary. */
  frames?: (string | Buffer)[];
  /** Milliseconds between frames. */
  gap?: number;
  /** After the frames: close with this code and reason, or stay open. */
  close?: { code: number; reason: string } | 'stay';
  /** Called with each message a client sends. */
  onMessage?: (ws: WebSocket, text: string) => void;
  /** Send every message back as it came (text as text, binary as binary). */
  echo?: boolean;
  /** Choose a subprotocol among those offered (default: none). */
  protocol?: (offered: string[]) => string | false;
  /** With `reject`: the body of the refusal (default `Unauthorized` for 401, else `Refused`). */
  rejectBody?: string;
  /** Plain HTTP requests to the same port (default: 404). */
  http?: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;
  /** Called when a client connects, with the upgrade request. */
  onConnection?: (ws: WebSocket, req: IncomingMessage) => void;
}

export interface TestServer {
  url: string;
  port: number;
  headers: IncomingMessage['headers'][];
  /** The path and query of each upgrade. */
  paths: string[];
  received: string[];
  /** Each message exactly as it arrived. */
  raw: { data: Buffer; isBinary: boolean }[];
  /** How each client's connection closed, as this server saw it. */
  closes: { code: number; reason: string }[];
  /** Send a frame to every connected client now. */
  send(frame: string): void;
  clients(): number;
  stop(): Promise<void>;
}

export async function startServer(script: Script): Promise<TestServer> {
  const headers: IncomingMessage['headers'][] = [];
  const paths: string[] = [];
  const received: string[] = [];
  const raw: { data: Buffer; isBinary: boolean }[] = [];
  const closes: { code: number; reason: string }[] = [];
  const http = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      if (script.http) script.http(req, Buffer.concat(body), res);
      else res.writeHead(404).end();
    });
  });
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (offered) => script.protocol?.([...offered]) ?? false,
    verifyClient: (info, cb) => {
      headers.push(info.req.headers);
      paths.push(info.req.url ?? '');
      if (script.reject) cb(false, script.reject, script.rejectBody ?? (script.reject === 401 ? 'Unauthorized' : 'Refused'));
      else cb(true);
    },
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  wss.on('connection', async (ws, req) => {
    script.onConnection?.(ws, req);
    ws.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
    ws.on('message', (data, isBinary) => {
      raw.push({ data: data as Buffer, isBinary });
      if (script.echo) ws.send(data as Buffer, { binary: isBinary });
      const text = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
      received.push(text);
      script.onMessage?.(ws, text);
    });
    for (const f of script.frames ?? []) {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(f, { binary: Buffer.isBuffer(f) });
      if (script.gap) await new Promise((r) => setTimeout(r, script.gap));
    }
    const c = script.close ?? { code: 1000, reason: '' };
    if (c !== 'stay' && ws.readyState === ws.OPEN) ws.close(c.code, c.reason);
  });
  const port = (http.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime?model=gpt-realtime`,
    port,
    headers,
    paths,
    received,
    raw,
    closes,
    send: (frame) => { for (const c of wss.clients) c.send(frame); },
    clients: () => wss.clients.size,
    stop: () => new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.closeAllConnections();
      http.close(() => r());
    }),
  };
}

/**
 * Servers and child processes for one test file, all stopped after each test: `serve` starts a scripted
 * server, `track` adopts a spawned rtev. Stopping a server early (to test a refused port) is fine.
 */
export function liveHarness(): { serve: (script: Script) => Promise<TestServer>; track: (c: ChildProcess) => void } {
  const children: ChildProcess[] = [];
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => {})));
  });
  return {
    serve: async (script) => {
      const s = await startServer(script);
      servers.push(s);
      return s;
    },
    track: (c) => { children.push(c); },
  };
}
