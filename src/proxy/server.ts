/**
 * The proxy: one HTTP server on the listening address. WebSocket upgrades become bridges to the upstream,
 * other requests are forwarded, and a WebRTC call created through it gets its sideband opened. Connections are
 * numbered and independent; what to do with their frames is the observer's business (recording, display).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { EndpointError, hostCredential, redactUrl, resolveEndpoint, type Endpoint } from '../sources/endpoint.js';
import { scrubText } from '../sources/secrets.js';
import { connectLive } from '../sources/websocket.js';
import type { Bridge, BridgeEnd } from './bridge.js';
import { offeredProtocols, pairs, planRequest, shownProtocol, type HeaderList } from './headers.js';
import { forwardRequest, type ForwardedRequest } from './http.js';
import type { Protocol } from '../events/catalogue.js';
import { liveSidebandUrl, protocolOf, shownTarget, sidebandUrl, upstreamHttpUrl, upstreamPath, upstreamWsUrl, type Upstream } from './route.js';
import { chosenProtocol, proxyUpgrade, type Acceptors } from './upgrade.js';

export interface ProxyConfig {
  host: string;
  port: number;
  upstream: Upstream;
  env: NodeJS.ProcessEnv;
  /** `--header` values: sent when the app does not send that header itself. */
  extra: HeaderList;
  /** How often each side of each connection is pinged (a side that misses one is cut). */
  keepAliveMs?: number;
}

/** A connection that has opened: what its recording's first meta line says. */
export interface ConnectionInfo {
  n: number;
  /** `websocket`: an app's connection; `sideband`: rtev's own, to a WebRTC call the app created. */
  kind: 'websocket' | 'sideband';
  /** The app's path and query (the sideband's upstream path), key parameters redacted. */
  path: string;
  /** The upstream URL, key parameters redacted. */
  upstreamUrl: string;
  /** The subprotocol in use, and those the app offered, keys redacted. */
  subprotocol: string | null;
  offered: string[];
  protocol: Protocol | null;
  callId: string | null;
  /** What to scrub from everything shown and recorded for this connection. */
  secrets: string[];
}

export interface ConnectionEnd {
  by: BridgeEnd['by'];
  code: number | null;
  reason: string;
  /** The code sent on to the other side, when rtev mirrored a close. */
  sentCode: number | null;
  error: string | null;
}

export interface ConnectionSink {
  frame(dir: 'client' | 'server', data: Buffer, isBinary: boolean): void;
  end(e: ConnectionEnd): void;
}

export interface ProxyObserver {
  opened(c: ConnectionInfo): ConnectionSink;
  /** A connection that never opened: the upstream refused it or could not be reached (status 0: the app left). */
  refused(n: number, path: string, status: number, message: string): void;
  request(r: ForwardedRequest): void;
  /** Anything else worth one line (a sideband that cannot be opened). */
  note(line: string): void;
}

interface Live {
  stop: () => void;
  bridge?: Bridge;
}

export class ProxyServer {
  url = '';
  private next = 0;
  private stopping = false;
  private readonly live = new Map<number, Live>();
  private readonly waiters: (() => void)[] = [];
  private readonly server: http.Server;
  private readonly acceptors: Acceptors;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly cfg: ProxyConfig, private readonly obs: ProxyObserver) {
    const opts = { noServer: true, clientTracking: false, skipUTF8Validation: true, handleProtocols: chosenProtocol } as const;
    this.acceptors = { plain: new WebSocketServer({ ...opts, perMessageDeflate: false }), deflate: new WebSocketServer({ ...opts, perMessageDeflate: true }) };
    // One request's surprise must never take the others down: it is answered 400 and named on stderr.
    this.server = http.createServer((req, res) => {
      try {
        this.request(req, res);
      } catch (e) {
        this.obs.note(`${req.method} ${shownTarget(req.url ?? '/')}: ${(e as Error).message}`);
        if (!res.headersSent) res.writeHead(400).end();
      }
    });
    this.server.on('upgrade', (req, socket: Duplex, head) => {
      try {
        this.upgrade(req, socket, head);
      } catch (e) {
        this.obs.note(`upgrade ${shownTarget(req.url ?? '/')}: ${(e as Error).message}`);
        socket.destroy();
      }
    });
  }

  /** Listen; resolves with the URL apps connect to. Rejects (EADDRINUSE, EACCES) when it cannot. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.cfg.port, this.cfg.host, () => { this.server.off('error', reject); resolve(); });
    });
    const a = this.server.address() as { address: string; port: number };
    this.url = `ws://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`;
    this.timer = setInterval(() => { for (const l of this.live.values()) l.bridge?.heartbeat(); }, this.cfg.keepAliveMs ?? 30000);
    this.timer.unref();
    return this.url;
  }

  private forget(n: number): void {
    this.live.delete(n);
    if (this.live.size === 0) for (const w of this.waiters.splice(0)) w();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const n = ++this.next;
    const reqUrl = req.url ?? '/';
    const path = shownTarget(reqUrl);
    if (this.stopping) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
    const url = upstreamWsUrl(this.cfg.upstream, reqUrl);
    const plan = planRequest(pairs(req.rawHeaders), {
      upstreamHost: this.cfg.upstream.hostname, env: this.cfg.env, extra: this.cfg.extra, websocket: true,
      subprotocols: offered, query: new URL(url).search.slice(1),
    });
    this.live.set(n, { stop: () => {} });
    proxyUpgrade(req, socket, head, { url, headers: plan.headers }, this.acceptors, {
      opened: (protocol) => {
        const sink = this.obs.opened({
          n, kind: 'websocket', path, upstreamUrl: redactUrl(url), subprotocol: protocol ? shownProtocol(protocol) : null,
          offered: offered.map(shownProtocol), protocol: protocolOf(upstreamPath(this.cfg.upstream, reqUrl)), callId: null, secrets: plan.secrets,
        });
        return {
          frame: (dir, data, isBinary) => sink.frame(dir, data, isBinary),
          end: (e) => { sink.end(e); this.forget(n); },
        };
      },
      // The upstream's status text may echo a key (`401 Incorrect API key sk-…`): scrubbed, as frames are.
      refused: (status, message) => { this.obs.refused(n, path, status, scrubText(message, plan.secrets)); this.forget(n); },
      track: (stop, bridge) => { if (this.live.has(n)) this.live.set(n, { stop, bridge }); },
    });
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    const reqUrl = req.url ?? '/';
    const url = new URL(upstreamHttpUrl(this.cfg.upstream, reqUrl));
    const appHeaders = pairs(req.rawHeaders);
    const plan = planRequest(appHeaders, { upstreamHost: url.hostname, env: this.cfg.env, extra: this.cfg.extra, websocket: false, query: url.search.slice(1) });
    forwardRequest(req, res, url, plan.headers, shownTarget(reqUrl), {
      done: (r) => this.obs.request({ ...r, statusText: scrubText(r.statusText, plan.secrets), error: r.error === null ? null : scrubText(r.error, plan.secrets) }),
      call: (callId) => { if (!this.stopping) void this.sideband(callId, sidebandUrl(this.cfg.upstream, reqUrl, callId), appHeaders); },
      liveSession: (id) => { if (!this.stopping) void this.sideband(id, liveSidebandUrl(this.cfg.upstream, reqUrl, id), appHeaders); },
    });
  }

  /**
   * The sideband of a call (Realtime) or session (GPT-Live, `…/attach`) created through the proxy, at `url`: opened with rtev's credentials by the host policy, or,
   * when rtev has none for that host, with the credential the app used to create the call.
   */
  private async sideband(callId: string, url: string, appHeaders: HeaderList): Promise<void> {
    const n = ++this.next;
    const extra = this.cfg.extra.map(([k, v]) => `${k}: ${v}`);
    const u = new URL(url);
    const path = u.pathname + u.search;
    const what = protocolOf(u.pathname) === 'live' ? 'GPT-Live session' : 'call';
    const ownKey = hostCredential(u.hostname, this.cfg.env) !== null || this.cfg.extra.some(([k]) => /^(authorization|api-key)$/i.test(k));
    const appKey = appHeaders.filter(([k]) => /^(authorization|api-key)$/i.test(k)).map(([k, v]) => `${k}: ${v}`);
    let ep: Endpoint;
    try {
      ep = resolveEndpoint({ source: url, headers: ownKey ? extra : [...extra, ...appKey] }, this.cfg.env);
    } catch (e) {
      if (!(e instanceof EndpointError)) throw e;
      this.obs.refused(n, path, 0, `cannot open the sideband of ${what} ${callId}: ${e.message}`);
      return;
    }
    let sink: ConnectionSink | null = null;
    this.live.set(n, { stop: () => {} });
    const conn = await connectLive(ep, {
      open: () => {
        sink = this.obs.opened({ n, kind: 'sideband', path, upstreamUrl: ep.shown, subprotocol: null, offered: [], protocol: protocolOf(u.pathname), callId, secrets: ep.secrets });
      },
      frame: (data, isBinary) => sink?.frame('server', data, isBinary),
    }, this.cfg.keepAliveMs ?? 30000);
    this.live.set(n, { stop: () => conn.close(1001) });
    if (this.stopping) conn.close(1001);
    const end = await conn.done;
    const s = sink as ConnectionSink | null;
    if (s) s.end({ by: end.message === 'closed by rtev' ? 'rtev' : 'upstream', code: end.code, reason: end.reason, sentCode: null, error: end.ok ? null : end.message });
    else this.obs.refused(n, path, 0, `sideband of ${what} ${callId}: ${end.message}`);
    this.forget(n);
  }

  /** Stop: refuse new connections, close every open one with 1001, and wait (at most 5 s) until all have ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.server.close();
    for (const l of this.live.values()) l.stop();
    if (this.live.size > 0) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 5000).unref();
      });
    }
    this.server.closeAllConnections();
  }
}
