/**
 * Where the proxy sends what an app asks for. Pure: the UPSTREAM argument and a request's path in, the
 * upstream's URL out. PATH?QUERY from the app goes to UPSTREAM's origin, under UPSTREAM's own path, with the
 * two queries merged (the app's values win).
 */
import type { Protocol } from '../events/catalogue.js';
import { protocolFromUrl } from '../events/protocol.js';
import { redactUrl } from '../sources/endpoint.js';

export interface Upstream {
  /** `ws:` or `wss:`, with the host and port: where WebSocket upgrades go. */
  wsOrigin: string;
  /** `http:` or `https:`, the same host and port: where plain HTTP requests go. */
  httpOrigin: string;
  /** UPSTREAM's own path, without a trailing slash ('' for none). */
  basePath: string;
  /** UPSTREAM's own query, without `?` ('' for none). */
  query: string;
  hostname: string;
  /** UPSTREAM as it may be shown: key parameters redacted. */
  shown: string;
}

/** UPSTREAM cannot be used: a usage error (exit 2). */
export class UpstreamError extends Error {}

export const OPENAI_UPSTREAM = 'wss://api.openai.com';

/**
 * `openai` (the default), or a ws://, wss://, http:// or https:// URL (an Azure resource endpoint such as
 * https://res.openai.azure.com/openai is one). http(s) becomes ws(s) for upgrades and stays for requests.
 */
export function parseUpstream(arg: string | undefined): Upstream {
  const text = arg === undefined || arg === 'openai' ? OPENAI_UPSTREAM : arg;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UpstreamError(`UPSTREAM ${JSON.stringify(redactUrl(text))}: not a URL (use openai, ws://…, wss://…, http://… or https://…)`);
  }
  const secure = u.protocol === 'wss:' || u.protocol === 'https:';
  if (!/^(wss?|https?):$/.test(u.protocol)) {
    throw new UpstreamError(`UPSTREAM ${JSON.stringify(redactUrl(text))}: use openai, ws://…, wss://…, http://… or https://…`);
  }
  const basePath = u.pathname.replace(/\/+$/, '');
  const shown = redactUrl(`${secure ? 'wss' : 'ws'}://${u.host}${basePath}${u.search}`);
  return {
    wsOrigin: `${secure ? 'wss' : 'ws'}://${u.host}`,
    httpOrigin: `${secure ? 'https' : 'http'}://${u.host}`,
    basePath,
    query: u.search.slice(1),
    hostname: u.hostname.replace(/^\[|\]$/g, ''),
    shown: basePath || u.search ? shown : shown.replace(/\/$/, ''),
  };
}

/** The app's request target split into path and query; an absolute-form target keeps only its path. */
function splitTarget(reqUrl: string): { path: string; query: string } {
  let t = reqUrl;
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(t);
  if (abs) t = t.slice(abs[0].length);
  const hash = t.indexOf('#');
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf('?');
  const path = q < 0 ? t : t.slice(0, q);
  return { path: path.startsWith('/') ? path : `/${path}`, query: q < 0 ? '' : t.slice(q + 1) };
}

/**
 * Merge UPSTREAM's query with the app's. The app's text is kept as it came (no re-encoding); UPSTREAM's
 * parameters that the app does not set come first.
 */
function mergeQuery(base: string, app: string): string {
  if (!base) return app ? `?${app}` : '';
  if (!app) return `?${base}`;
  const kept = new URLSearchParams(base);
  for (const k of new Set(new URLSearchParams(app).keys())) kept.delete(k);
  const rest = kept.toString();
  return `?${rest ? `${rest}&` : ''}${app}`;
}

/** The upstream's path and query for an app's request target (`/v1/realtime?model=x`). */
export function upstreamPath(up: Upstream, reqUrl: string): string {
  const { path, query } = splitTarget(reqUrl);
  return up.basePath + path + mergeQuery(up.query, query);
}

/** The upstream URL of a WebSocket upgrade. */
export function upstreamWsUrl(up: Upstream, reqUrl: string): string {
  return up.wsOrigin + upstreamPath(up, reqUrl);
}

/** The upstream URL of a plain HTTP request. */
export function upstreamHttpUrl(up: Upstream, reqUrl: string): string {
  return up.httpOrigin + upstreamPath(up, reqUrl);
}

/** A request target as it may be shown and recorded: key parameters redacted. */
export function shownTarget(reqUrl: string): string {
  const { path, query } = splitTarget(reqUrl);
  if (!query) return path;
  const u = new URL(`http://x${path}?${query}`);
  return redactUrl(u.toString()).slice('http://x'.length);
}

/**
 * The protocol a connection speaks, from its upstream path (PROTOCOL.md §9): `/v1/realtime/translations`,
 * `/v1/live/sessions` (and its `/attach` and `/fork`), `/v1/realtime`; null when the path does not say.
 */
export function protocolOf(path: string): Protocol | null {
  return protocolFromUrl(splitTarget(path).path);
}

/** A WebRTC call's creation (`POST …/realtime/calls`): the request target it answers. */
export function isCallsRequest(method: string | undefined, reqUrl: string): boolean {
  return method === 'POST' && /\/realtime\/calls\/?$/.test(splitTarget(reqUrl).path);
}

/** The call id at the end of a `Location` header (`/v1/realtime/calls/rtc_123`), or null. */
export function callIdFromLocation(location: string | undefined): string | null {
  if (!location) return null;
  const path = splitTarget(location).path;
  const id = path.split('/').filter(Boolean).pop();
  return id && id !== 'calls' && /^[A-Za-z0-9_.-]+$/.test(id) ? id : null;
}

/** The sideband WebSocket of a call created by `POST …/realtime/calls`: `…/realtime?call_id=ID` upstream. */
export function sidebandUrl(up: Upstream, callsReqUrl: string, callId: string): string {
  const path = splitTarget(callsReqUrl).path.replace(/\/calls\/?$/, '');
  return upstreamWsUrl(up, `${path}?call_id=${encodeURIComponent(callId)}`);
}

/** A GPT-Live WebRTC session's creation (`POST …/live/sessions`): its JSON answer names the session. */
export function isLiveSessionsRequest(method: string | undefined, reqUrl: string): boolean {
  return method === 'POST' && /\/live\/sessions\/?$/.test(splitTarget(reqUrl).path);
}

/** The id in a GPT-Live session's JSON (`{session:{id}, transport:{…}}`), or null. */
export function liveSessionId(body: unknown): string | null {
  const id = (body as { session?: { id?: unknown } } | null)?.session?.id;
  return typeof id === 'string' && /^[A-Za-z0-9_.-]+$/.test(id) ? id : null;
}

/** The sideband of a GPT-Live session created by `POST …/live/sessions`: `…/live/sessions/{id}/attach` upstream. */
export function liveSidebandUrl(up: Upstream, sessionsReqUrl: string, id: string): string {
  const path = splitTarget(sessionsReqUrl).path.replace(/\/+$/, '');
  return upstreamWsUrl(up, `${path}/${encodeURIComponent(id)}/attach`);
}
