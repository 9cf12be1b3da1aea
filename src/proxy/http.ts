/**
 * Plain HTTP requests through the proxy: method, path, query, headers and body go to the upstream unchanged,
 * and its response comes back unchanged and streamed (hop-by-hop headers excepted on both legs). A
 * `POST …/realtime/calls` answered with a `Location` naming a call, or a GPT-Live `POST …/live/sessions` answered
 * with the session's JSON, is reported, so its sideband can be opened.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';
import { networkMessage } from '../sources/websocket.js';
import { endToEnd, headerObject, pairs, type HeaderList } from './headers.js';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { callIdFromLocation, isCallsRequest, isLiveSessionsRequest, liveSessionId } from './route.js';

export interface ForwardedRequest {
  method: string;
  /** The app's request target, as it may be shown (key parameters redacted). */
  shown: string;
  status: number;
  statusText: string;
  /** Response body bytes passed back. */
  bytes: number;
  ms: number;
  /** Why it failed, when the upstream could not be reached or the stream broke. */
  error: string | null;
}

export interface HttpEvents {
  done(r: ForwardedRequest): void;
  /** A WebRTC call was created: its id, and the request that created it. */
  call(callId: string): void;
  /** A GPT-Live WebRTC session was created: its id (from the JSON answer). */
  liveSession?(id: string): void;
}

/** The most of a GPT-Live session's answer read for its id (an SDP answer is a few KB). */
const MAX_SESSION_BODY = 1 << 20;

/** The JSON of an answer's body, decompressed as its Content-Encoding says; null when it is not JSON. */
function jsonBody(body: Buffer, encoding: string | undefined): unknown {
  try {
    const e = (encoding ?? '').trim().toLowerCase();
    const raw = e === 'gzip' || e === 'x-gzip' ? gunzipSync(body) : e === 'deflate' ? inflateSync(body) : e === 'br' ? brotliDecompressSync(body) : body;
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
}

/** Forward one request to `url` with `headers`; never throws. */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, url: URL, headers: HeaderList, shown: string, ev: HttpEvents): void {
  const t0 = Date.now();
  const method = req.method ?? 'GET';
  const report = (status: number, statusText: string, bytes: number, error: string | null) =>
    ev.done({ method, shown, status, statusText, bytes, ms: Date.now() - t0, error });
  const mod = url.protocol === 'https:' ? https : http;
  const upReq = mod.request(url, { method, headers: headerObject(headers) });
  let answered = false;

  upReq.on('response', (upRes) => {
    answered = true;
    const status = upRes.statusCode ?? 502;
    res.writeHead(status, upRes.statusMessage, endToEnd(pairs(upRes.rawHeaders), false).flat());
    let bytes = 0;
    // A GPT-Live session's answer is read on the way (bounded) for the session id: its sideband is opened.
    const live = status >= 200 && status < 300 && ev.liveSession !== undefined && isLiveSessionsRequest(method, req.url ?? '/');
    const kept: Buffer[] = [];
    upRes.on('data', (c: Buffer) => {
      if (live && bytes + c.length <= MAX_SESSION_BODY) kept.push(c);
      bytes += c.length;
    });
    pipeline(upRes, res, (e) => {
      report(status, upRes.statusMessage ?? '', bytes, e ? `the response broke off: ${e.message}` : null);
      if (live && !e && bytes <= MAX_SESSION_BODY) {
        const id = liveSessionId(jsonBody(Buffer.concat(kept), upRes.headers['content-encoding']));
        if (id) ev.liveSession!(id);
      }
    });
    if (status >= 200 && status < 300 && isCallsRequest(method, req.url ?? '/')) {
      const id = callIdFromLocation(upRes.headers.location);
      if (id) ev.call(id);
    }
  });
  upReq.on('error', (e) => {
    if (answered) return; // the response's pipeline reports it
    const { message } = networkMessage(e as NodeJS.ErrnoException, url.hostname);
    if (!res.headersSent) {
      res.writeHead(502, 'Bad Gateway', { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`rtev proxy: ${message}\n`);
    } else res.destroy();
    report(502, 'Bad Gateway', 0, message);
  });
  // The app's body, streamed (pipe, not pipeline: a failed upstream must not destroy the app's socket before
  // it gets its 502); an app that goes away aborts the upstream request.
  req.pipe(upReq);
  req.on('error', () => upReq.destroy());
  res.on('close', () => { if (!res.writableFinished) upReq.destroy(); });
}
