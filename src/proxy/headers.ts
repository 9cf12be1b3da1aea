/**
 * Which headers the proxy passes on, and which secrets they carry. Pure. The app's headers go on except
 * hop-by-hop ones; its own `Authorization` or `api-key` is what the upstream gets; with neither, rtev adds
 * the key of `tail`'s host policy (PRODUCT.md §5), and `--header` values fill in what the app did not send.
 */
import { hostCredential, secretParams, secretsOfHeader, uniqueSecrets } from '../sources/endpoint.js';

/** A header list as it goes on the wire: names with their case, repeats kept. */
export type HeaderList = [string, string][];

// RFC 9110 §7.6.1, plus `host` (the upstream's own is set) and the old `proxy-connection`.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
// Each hop of a WebSocket negotiates its own handshake; subprotocols are offered separately.
const HANDSHAKE = new Set(['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol', 'sec-websocket-accept']);
const CREDENTIALS = new Set(['authorization', 'api-key']);

const INSECURE_KEY = /^(openai-insecure-api-key\.)(.+)$/i;

/** `rawHeaders` (name, value, name, value, …) as pairs. */
export function pairs(raw: readonly string[]): HeaderList {
  const out: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** Headers minus the hop-by-hop ones, including those the `Connection` header names. */
export function endToEnd(headers: HeaderList, websocket: boolean): HeaderList {
  const named = new Set<string>();
  for (const [n, v] of headers) if (n.toLowerCase() === 'connection') for (const t of v.split(',')) named.add(t.trim().toLowerCase());
  return headers.filter(([n]) => {
    const l = n.toLowerCase();
    return !HOP_BY_HOP.has(l) && !named.has(l) && !(websocket && HANDSHAKE.has(l));
  });
}

export interface RequestPlan {
  headers: HeaderList;
  /** Which credential rtev added ('Authorization', 'api-key'), or null when the app brought its own or none applies. */
  added: string | null;
  /** Everything to scrub from what is shown and recorded for this connection. */
  secrets: string[];
}

/**
 * The headers for the upstream request of one app request. `extra` are the `--header` values; `subprotocols`
 * and `query` are the app's, read only for the secrets they carry.
 */
export function planRequest(
  appHeaders: HeaderList, o: { upstreamHost: string; env: NodeJS.ProcessEnv; extra: HeaderList; websocket: boolean; subprotocols?: string[]; query?: string },
): RequestPlan {
  const headers = endToEnd(appHeaders, o.websocket);
  const names = new Set(headers.map(([n]) => n.toLowerCase()));
  let added: string | null = null;
  if (![...CREDENTIALS].some((c) => names.has(c)) && !o.extra.some(([n]) => CREDENTIALS.has(n.toLowerCase()))) {
    const cred = hostCredential(o.upstreamHost, o.env);
    if (cred) {
      headers.push(cred);
      added = cred[0];
    }
  }
  for (const [n, v] of o.extra) if (!names.has(n.toLowerCase())) headers.push([n, v]);

  const secrets: string[] = [];
  for (const [n, v] of headers) {
    if (CREDENTIALS.has(n.toLowerCase()) || o.extra.some(([e]) => e.toLowerCase() === n.toLowerCase())) secrets.push(...secretsOfHeader(v));
  }
  for (const p of o.subprotocols ?? []) {
    const m = INSECURE_KEY.exec(p);
    if (m) secrets.push(m[2]!);
  }
  if (o.query) secrets.push(...secretParams(new URLSearchParams(o.query)));
  return { headers, added, secrets: uniqueSecrets(secrets) };
}

/** A header list as an object for `ws` (repeated names joined, as HTTP allows). */
export function headerObject(headers: HeaderList): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const [n, v] of headers) {
    const l = n.toLowerCase();
    const first = seen.get(l);
    if (first === undefined) {
      seen.set(l, n);
      out[n] = v;
    } else out[first] += (l === 'cookie' ? '; ' : ', ') + v;
  }
  return out;
}

/** The subprotocols an app offers (`Sec-WebSocket-Protocol: realtime, openai-insecure-api-key.…`). */
export function offeredProtocols(header: string | undefined): string[] {
  return (header ?? '').split(',').map((p) => p.trim()).filter(Boolean);
}

/** A subprotocol as it may be shown: a browser's key (`openai-insecure-api-key.<key>`) redacted. */
export function shownProtocol(p: string): string {
  return p.replace(INSECURE_KEY, '$1REDACTED');
}
