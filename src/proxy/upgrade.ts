/**
 * One WebSocket upgrade from an app: connect to the upstream first, offering the app's subprotocols (and
 * compression, if the app offered it); then complete the app's handshake with what the upstream chose, or
 * refuse it with exactly what the upstream answered (status, headers, body).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type WebSocketServer } from 'ws';
import { networkMessage } from '../sources/websocket.js';
import { Bridge, type BridgeHooks } from './bridge.js';
import { endToEnd, headerObject, pairs, type HeaderList } from './headers.js';

/** The two servers that complete apps' handshakes: without and with permessage-deflate. */
export interface Acceptors {
  plain: WebSocketServer;
  deflate: WebSocketServer;
}

export interface UpgradePlan {
  /** The upstream URL (with any key parameters the app put in its query: they are the app's to send). */
  url: string;
  headers: HeaderList;
}

export interface UpgradeEvents {
  /** The upstream accepted (with this subprotocol, '' for none): the bridge is up. Returns where its frames and its end go. */
  opened(protocol: string): BridgeHooks;
  /** The upstream refused or could not be reached; the app got `status`. */
  refused(status: number, message: string): void;
  /** How to stop this connection now (Ctrl-C), and its bridge once it has one (for keep-alive). */
  track(stop: () => void, bridge?: Bridge): void;
}

const MAX_REFUSAL_BODY = 1 << 20;
const PROTOCOL_KEY = Symbol('rtev.protocol');

/** `handleProtocols` for the acceptors: the subprotocol the upstream chose for this request, if any. */
export function chosenProtocol(_offered: Set<string>, req: IncomingMessage): string | false {
  return (req as IncomingMessage & { [PROTOCOL_KEY]?: string })[PROTOCOL_KEY] || false;
}

/** Write a whole HTTP response on a socket that never became a WebSocket, then end it. */
function refuse(socket: Duplex, status: number, statusText: string, headers: HeaderList, body: Buffer): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const kept = headers.filter(([n]) => n.toLowerCase() !== 'content-length');
  const head = [`HTTP/1.1 ${status} ${statusText}`, ...kept.map(([n, v]) => `${n}: ${v}`), `Content-Length: ${body.length}`, 'Connection: close', '', ''].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

const TEXT: HeaderList = [['Content-Type', 'text/plain; charset=utf-8']];

/** What `ws` will accept from the app; checked before anything is opened upstream. */
function validHandshake(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  const version = req.headers['sec-websocket-version'];
  return req.method === 'GET' && String(req.headers.upgrade ?? '').toLowerCase() === 'websocket'
    && typeof key === 'string' && /^[+/0-9A-Za-z]{22}==$/.test(key.trim()) && (version === '13' || version === '8');
}

/** Proxy one upgrade request. Nothing throws: every failure is answered to the app and reported. */
export function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, plan: UpgradePlan, acceptors: Acceptors, ev: UpgradeEvents): void {
  const offersDeflate = /permessage-deflate/i.test(String(req.headers['sec-websocket-extensions'] ?? ''));
  const host = new URL(plan.url).hostname;
  const fail = (status: number, statusText: string, message: string) => {
    refuse(socket, status, statusText, TEXT, Buffer.from(`rtev proxy: ${message}\n`));
    ev.refused(status, message);
  };
  socket.on('error', () => {}); // an app that vanishes mid-handshake is handled by 'close'
  if (!validHandshake(req)) {
    fail(400, 'Bad Request', 'not a valid WebSocket handshake');
    return;
  }

  // The app's offer goes on as it came, in a header of our own rather than through `ws`'s protocols argument:
  // `ws` would refuse an upstream that picks none, where the app's own client (a browser) may accept it.
  const offer = req.headers['sec-websocket-protocol'];
  const headers = headerObject(plan.headers);
  if (offer !== undefined) headers['Sec-WebSocket-Protocol'] = offer;
  let chosen = '';
  let up: WebSocket;
  try {
    up = new WebSocket(plan.url, [], {
      headers, perMessageDeflate: offersDeflate, skipUTF8Validation: true, handshakeTimeout: 15000, followRedirects: false,
    });
  } catch (e) {
    fail(400, 'Bad Request', (e as Error).message);
    return;
  }
  // Read the upstream's choice before `ws` checks it against an offer it never saw; the app's client judges it.
  up.on('upgrade', (res) => {
    chosen = String(res.headers['sec-websocket-protocol'] ?? '');
    delete res.headers['sec-websocket-protocol'];
  });
  let settled = false;
  const early: [Buffer, boolean][] = [];
  const hold = (data: Buffer, isBinary: boolean) => { early.push([data, isBinary]); };
  up.on('message', hold);
  const appGone = () => { if (!settled) { settled = true; up.terminate(); ev.refused(0, 'the app went away during the handshake'); } };
  socket.once('close', appGone);
  ev.track(() => { if (!settled) { settled = true; up.terminate(); socket.destroy(); ev.refused(0, 'stopped during the handshake'); } });

  up.on('unexpected-response', (upReq, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => { if (size < MAX_REFUSAL_BODY) { chunks.push(c); size += c.length; } });
    res.on('end', () => {
      if (settled) return;
      settled = true;
      socket.off('close', appGone);
      const status = res.statusCode ?? 502;
      refuse(socket, status, res.statusMessage ?? '', endToEnd(pairs(res.rawHeaders), false), Buffer.concat(chunks).subarray(0, MAX_REFUSAL_BODY));
      ev.refused(status, `refused by the upstream: HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd());
      upReq.destroy();
    });
  });
  up.on('error', (e) => {
    if (settled) return;
    settled = true;
    socket.off('close', appGone);
    const timedOut = /handshake has timed out/i.test(e.message);
    const { message } = timedOut ? { message: 'the upstream did not answer the upgrade within 15 s' } : networkMessage(e as NodeJS.ErrnoException, host);
    fail(timedOut ? 504 : 502, timedOut ? 'Gateway Timeout' : 'Bad Gateway', message);
  });
  up.on('open', () => {
    if (settled) return;
    settled = true;
    socket.off('close', appGone);
    (req as IncomingMessage & { [PROTOCOL_KEY]?: string })[PROTOCOL_KEY] = chosen;
    const acceptor = /permessage-deflate/i.test(up.extensions) ? acceptors.deflate : acceptors.plain;
    let bridged = false;
    // Synchronous: the app's handshake completes, or is refused, before any upstream message is handled.
    acceptor.handleUpgrade(req, socket, head, (app) => {
      bridged = true;
      up.off('message', hold);
      const bridge = new Bridge(app, up, ev.opened(chosen), early);
      ev.track(() => bridge.close(1001, 'rtev proxy stopping'), bridge);
    });
    if (!bridged) {
      up.close(1011, 'the app handshake failed');
      ev.refused(400, 'the app sent an invalid WebSocket handshake');
    }
  });
}
