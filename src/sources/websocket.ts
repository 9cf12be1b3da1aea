import type { Endpoint } from './endpoint.js';
import { scrub } from './endpoint.js';

/** How a live session ended, in words a user can act on. */
export interface LiveEnd {
  /** True for a normal close (1000) or a close rtev asked for. */
  ok: boolean;
  /** Whether trying again could help (false for authentication and wrong URLs). */
  retryable: boolean;
  code: number | null;
  reason: string;
  message: string;
}

export interface LiveHandlers {
  open(): void;
  frame(data: Buffer, isBinary: boolean): void;
}

export interface LiveConnection {
  /** Resolves when the connection is over, however it ended. */
  done: Promise<LiveEnd>;
  send(text: string): void;
  /** Close from our side (Ctrl-C, --exit-after): ends with ok. The code is 1000 unless given. */
  close(code?: number): void;
}

const CLOSE_MEANINGS: Record<number, string> = {
  1000: 'normal close', 1001: 'going away', 1002: 'protocol error', 1003: 'unsupported data', 1005: 'no status',
  1006: 'connection lost', 1007: 'invalid data', 1008: 'policy violation', 1009: 'message too big',
  1011: 'server error', 1012: 'service restart', 1013: 'try again later',
  3000: 'authentication', 4000: 'request shape (model, URL or headers)',
};

export function closeMeaning(code: number): string {
  return CLOSE_MEANINGS[code] ?? (code >= 4000 ? 'application error' : 'unknown code');
}

export function httpMeaning(status: number): string {
  if (status === 401 || status === 403) return 'authentication failed: check the API key (OPENAI_API_KEY, AZURE_OPENAI_API_KEY or --header)';
  if (status === 404) return 'not found: check the URL and the model or deployment name';
  if (status === 429) return 'rate limited or out of quota';
  if (status >= 500) return 'server error';
  return 'the server refused the WebSocket upgrade';
}

/** A failure to connect (refused, DNS, TLS, …) in words a user can act on. */
export function networkMessage(e: NodeJS.ErrnoException & { reason?: string }, host: string): { message: string; retryable: boolean } {
  switch (e.code) {
    case 'ECONNREFUSED': return { message: `connection refused by ${host}`, retryable: true };
    case 'ENOTFOUND': case 'EAI_AGAIN': return { message: `DNS lookup failed for ${host}`, retryable: true };
    case 'ETIMEDOUT': return { message: `connection to ${host} timed out`, retryable: true };
    case 'ECONNRESET': return { message: `connection reset by ${host}`, retryable: true };
    case 'EHOSTUNREACH': case 'ENETUNREACH': return { message: `${host} is unreachable`, retryable: true };
    default:
      if (/CERT|SSL|TLS|EPROTO|self.signed/i.test(`${e.code} ${e.message}`)) {
        // OpenSSL's text names its source file and line; keep only the reason.
        const reason = /:([a-z0-9_]+:[^:]+?)(?::\.\.\/|:$|$)/i.exec(e.message)?.[1]?.replace(/^[a-z0-9_]+:/i, '') ?? e.message;
        return { message: `TLS error with ${host}: ${e.code && !/^ERR_/.test(e.code) ? `${e.code} ` : ''}${reason}`.trim(), retryable: false };
      }
      return { message: `${e.message || e.code || 'connection failed'}`, retryable: true };
  }
}

/**
 * The largest frame the live client accepts. Its recording line (base64 of a binary frame: 4/3 of it) stays
 * under the readers' line limit, so whatever rtev records, rtev reads back.
 */
export const MAX_FRAME_BYTES = 128 * 1024 * 1024;

/** How long a close from our side waits for the peer's answer before the socket is cut. */
const CLOSE_GRACE_MS = 250;

/** What went wrong on an open connection, from ws's error codes. */
function brokenMessage(e: NodeJS.ErrnoException, host: string): string {
  if (e.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    return `the server sent a frame over rtev's ${MAX_FRAME_BYTES / 1024 / 1024} MiB limit; rtev closed the connection with 1009 (message too big)`;
  }
  if (e.code?.startsWith('WS_ERR_')) return `the server broke the WebSocket protocol (${e.message}); rtev closed the connection with 1002 (protocol error)`;
  return networkMessage(e, host).message;
}

/**
 * Open a WebSocket to the endpoint and hand each frame over as it arrives. Every way it can end becomes one
 * LiveEnd with a one-line message; nothing throws. Pings every `pingMs` detect a dead peer. Text frames are
 * handed over as bytes without UTF-8 validation: a frame that is not valid UTF-8 is kept, not a reason to drop
 * the connection (ws would close with 1007).
 */
export async function connectLive(ep: Endpoint, h: LiveHandlers, pingMs = 20000): Promise<LiveConnection> {
  const { WebSocket } = await import('ws'); // loaded only for live sources: start-up stays fast
  let ws: InstanceType<typeof WebSocket>;
  try {
    ws = new WebSocket(ep.url, {
      headers: ep.headers, handshakeTimeout: 15000, perMessageDeflate: true, maxPayload: MAX_FRAME_BYTES, skipUTF8Validation: true,
    });
  } catch (e) {
    // What ws refuses before connecting (resolveEndpoint checks the URL and headers first): one line, no throw.
    const end: LiveEnd = { ok: false, retryable: false, code: null, reason: '', message: scrub(`cannot connect to ${ep.shown}: ${(e as Error).message}`, ep.secrets) };
    return { done: Promise.resolve(end), send: () => {}, close: () => {} };
  }
  let opened = false;
  let byUs = false;
  let ended: LiveEnd | null = null;
  let timer: NodeJS.Timeout | undefined;
  let waitingPong = false;

  const done = new Promise<LiveEnd>((resolve) => {
    const finish = (end: LiveEnd) => {
      if (ended) return;
      ended = { ...end, message: scrub(end.message, ep.secrets), reason: scrub(end.reason, ep.secrets) };
      clearInterval(timer);
      resolve(ended);
    };
    ws.on('open', () => {
      opened = true;
      h.open();
      timer = setInterval(() => {
        if (waitingPong) {
          finish({ ok: false, retryable: true, code: null, reason: '', message: `connection lost: no answer to ping within ${pingMs / 1000} s` });
          ws.terminate();
          return;
        }
        waitingPong = true;
        ws.ping();
      }, pingMs);
    });
    ws.on('pong', () => { waitingPong = false; });
    ws.on('message', (data, isBinary) => {
      waitingPong = false;
      h.frame(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), isBinary);
    });
    ws.on('unexpected-response', (req, res) => {
      const status = res.statusCode ?? 0;
      finish({ ok: false, retryable: status >= 500 || status === 429, code: null, reason: '', message: `HTTP ${status} ${res.statusMessage ?? ''} on the WebSocket upgrade from ${ep.shown}: ${httpMeaning(status)}`.replace(/ +/g, ' ') });
      req.destroy();
    });
    ws.on('error', (e) => {
      if (byUs) return finish({ ok: true, retryable: true, code: null, reason: '', message: 'closed by rtev' });
      const err = e as NodeJS.ErrnoException;
      if (opened) return finish({ ok: false, retryable: true, code: null, reason: '', message: brokenMessage(err, ep.host) });
      const { message, retryable } = networkMessage(err, ep.host);
      finish({ ok: false, retryable, code: null, reason: '', message: `cannot connect to ${ep.shown}: ${message}` });
    });
    ws.on('close', (code, reasonBuf) => {
      const reason = reasonBuf.toString('utf8');
      if (byUs) return finish({ ok: true, retryable: true, code, reason, message: 'closed by rtev' });
      const why = `${code} (${closeMeaning(code)})${reason ? `: ${reason}` : ''}`;
      finish({ ok: code === 1000, retryable: code !== 3000 && code !== 4000 && code !== 1008, code, reason, message: `the server closed the connection with ${why}` });
    });
  });

  return {
    done,
    send: (text) => ws.send(text),
    close: (code = 1000) => {
      byUs = true;
      if (ws.readyState === WebSocket.OPEN) ws.close(code);
      else ws.terminate();
      // A peer that never answers our close must not keep rtev waiting (--timeout ends on time).
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    },
  };
}
