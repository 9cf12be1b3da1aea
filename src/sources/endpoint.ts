/**
 * Where a live SOURCE connects and with which credentials (PRODUCT.md §5). Pure: environment in, plan out.
 * A key goes only to the host it is meant for: OpenAI's key to api.openai.com, to the host of
 * $OPENAI_BASE_URL and to loopback; Azure's key to Azure hosts; to any other host, only --header values.
 */
import { escapeControls } from '../format/escape.js';
import { MIN_SECRET, scrubBytes as scrubAllForms, scrubText, userInfoSecrets } from './secrets.js';

export interface EndpointOptions {
  /** A ws(s) URL; `openai` (or nothing) for the Realtime API; `live` for GPT-Live; `translate` for Realtime Translation. */
  source?: string;
  callId?: string;
  /** GPT-Live: observe this running session through its sideband (`…/v1/live/sessions/{id}/attach`). */
  attach?: string;
  model?: string;
  headers?: string[];
  /** Send credentials over plain ws:// to a host that is not loopback. */
  insecure?: boolean;
}

export interface Endpoint {
  url: string;
  /** The URL with every secret replaced, for messages, meta lines and file names. */
  shown: string;
  host: string;
  headers: Record<string, string>;
  /** Header values, key parameters and URL passwords to scrub from anything rtev prints or records. */
  secrets: string[];
  /** The SOURCE URL itself carries a key (`?api_key=…`, `user:key@`): visible to other users while rtev starts. */
  keyOnCommandLine?: boolean;
}

/** A problem with the arguments or environment of a live source: exit 2. */
export class EndpointError extends Error {}

const OPENAI_HOST = 'api.openai.com';
const SECRET_PARAMS = /^(api[-_]?key|key|token|access[-_]?token|client[-_]?secret)$/i;
/** The same parameters in a URL's text, with what follows them up to the next parameter. */
const SECRET_PARAMS_IN_TEXT = /([?&#](?:api[-_]?key|key|token|access[-_]?token|client[-_]?secret)=)[^&#]*/gi;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export function isAzure(host: string): boolean {
  return /\.openai\.azure\.com$|\.cognitiveservices\.azure\.com$/i.test(host);
}

/** A URL as it may be shown: key parameters and user info replaced by REDACTED. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not a URL (a bad port, a typo): the same parts redacted by their text, user info and key parameters.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1REDACTED@').replace(SECRET_PARAMS_IN_TEXT, '$1REDACTED');
  }
  if (u.username || u.password) { u.username = 'REDACTED'; u.password = ''; }
  for (const k of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(k)) u.searchParams.set(k, 'REDACTED');
  // A fragment is never sent, but it is shown (a WebSocket URL with one is refused, naming the URL).
  if (u.hash) u.hash = u.hash.replace(SECRET_PARAMS_IN_TEXT, '$1REDACTED');
  return u.toString();
}

/** A `--header` value, "Name: value", as [name, value]. */
export function parseHeader(h: string): [string, string] {
  const i = h.indexOf(':');
  if (i <= 0) throw new EndpointError(`--header ${JSON.stringify(escapeControls(h.split(':')[0]!))}: expected "Name: value"`);
  const [name, value] = [h.slice(0, i).trim(), h.slice(i + 1).trim()];
  // What HTTP allows: a token for the name; no control character but tab in the value (CR or LF would inject
  // a header). The value is never shown: it may be a key.
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new EndpointError(`--header ${JSON.stringify(escapeControls(name))}: not a valid header name (letters, digits and !#$%&'*+.^_\`|~-, no spaces)`);
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) throw new EndpointError(`--header ${name}: the value holds a control character (CR, LF, ESC, …) or one HTTP cannot carry; a header value is one line of text`);
  return [name, value];
}

/** The ws(s) URL of the realtime endpoint under an http(s) or ws(s) base such as https://api.openai.com/v1. */
function realtimeUnder(base: string): URL {
  const u = new URL(base);
  u.protocol = u.protocol === 'http:' || u.protocol === 'ws:' ? 'ws:' : 'wss:';
  u.pathname = u.pathname.replace(/\/+$/, '') + '/realtime';
  return u;
}

/** The ws(s) URL of a path under an http(s) or ws(s) base (`/live/sessions` under https://api.openai.com/v1). */
function under(base: string, path: string): URL {
  const u = realtimeUnder(base);
  u.pathname = u.pathname.replace(/\/realtime$/, path);
  return u;
}

/** The sideband of a GPT-Live session: `…/live/sessions/{id}/attach` (PROTOCOL.md §9). */
function attachPath(url: URL, id: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new EndpointError(`--attach ${JSON.stringify(escapeControls(id))}: not a session id (letters, digits, _ . -)`);
  if (!/\/live\/sessions\/?$/.test(url.pathname)) throw new EndpointError(`--attach needs a GPT-Live endpoint (live, or a URL ending in /live/sessions), not ${redactUrl(url.toString())}`);
  url.pathname = url.pathname.replace(/\/?$/, `/${encodeURIComponent(id)}/attach`);
}

/** Resolve a live SOURCE (a ws/wss URL, `openai`, `live`, `translate`, or nothing) and the environment into a connection plan. */
export function resolveEndpoint(o: EndpointOptions, env: NodeJS.ProcessEnv): Endpoint {
  const model = o.model ?? env.RTEV_MODEL ?? 'gpt-realtime';
  let url: URL;
  const src = o.source === undefined && o.attach !== undefined ? 'live' : o.source;
  const base = env.OPENAI_BASE_URL || 'https://api.openai.com/v1';
  if (src === 'live') {
    // GPT-Live: no query; the model goes in session.start.
    url = under(base, '/live/sessions');
  } else if (src === 'translate') {
    url = under(base, '/realtime/translations');
    url.searchParams.set('model', o.model ?? 'gpt-realtime-translate');
  } else if (src === undefined || src === 'openai') {
    url = realtimeUnder(base);
    if (o.callId) url.searchParams.set('call_id', o.callId);
    else url.searchParams.set('model', model);
  } else if (/^wss?:\/\//i.test(src)) {
    try {
      url = new URL(src);
    } catch {
      throw new EndpointError(`${redactUrl(src)}: not a valid URL`);
    }
    if (url.hash) throw new EndpointError(`${redactUrl(src)}: a WebSocket URL cannot have a #fragment`);
    if (o.callId) url.searchParams.set('call_id', o.callId);
  } else {
    throw new EndpointError(`${src}: not a live source (use ws://…, wss://…, openai, live or translate)`);
  }
  if (o.attach !== undefined) attachPath(url, o.attach);

  const host = url.hostname;
  const headers: Record<string, string> = {};
  const given = (o.headers ?? []).map(parseHeader);
  const givenNames = new Set(given.map(([n]) => n.toLowerCase()));

  const policy = keyPolicy(host, env);
  const credential = hostCredential(host, env);
  if (credential) headers[credential[0]] = credential[1];
  else if (policy === 'azure' && !givenNames.has('api-key') && !givenNames.has('authorization') && !url.searchParams.has('api-key')) {
    throw new EndpointError('AZURE_OPENAI_API_KEY is not set (or pass --header "api-key: …")');
  } else if (policy === 'openai' && !isLoopback(host) && !givenNames.has('authorization')) {
    throw new EndpointError('OPENAI_API_KEY is not set (export it, or pass --header "Authorization: Bearer …")');
  }
  for (const [name, value] of given) headers[name] = value;
  const params = secretParams(url.searchParams);
  const userInfo = userInfoSecrets(url);
  const secrets = [...Object.values(headers).flatMap(secretsOfHeader), ...params, ...userInfo];
  const shown = redactUrl(url.toString());
  // Plain ws:// shows every header and the URL to the network: no key goes that way unless asked.
  const carriesKey = Object.keys(headers).length > 0 || params.length > 0 || userInfo.length > 0;
  if (url.protocol === 'ws:' && !isLoopback(host) && carriesKey && !o.insecure) {
    throw new EndpointError(`${shown}: plain ws:// to ${host} would send the key unencrypted, readable on the network; use wss://, or --insecure to send it anyway`);
  }
  const typed = src !== undefined && /^wss?:\/\//i.test(src) ? new URL(src) : null;
  const keyOnCommandLine = typed !== null && (userInfoSecrets(typed).length > 0 || secretParams(typed.searchParams).length > 0);
  return { url: url.toString(), shown, host, headers, secrets: uniqueSecrets(secrets), keyOnCommandLine };
}

/** Which key a host gets by policy: OpenAI's (OpenAI, the $OPENAI_BASE_URL host, loopback), Azure's, or none. */
export function keyPolicy(host: string, env: NodeJS.ProcessEnv): 'openai' | 'azure' | null {
  if (isAzure(host)) return 'azure';
  let baseHost: string | null = null;
  try {
    baseHost = env.OPENAI_BASE_URL ? new URL(env.OPENAI_BASE_URL).hostname : null;
  } catch {
    throw new EndpointError('OPENAI_BASE_URL is not a valid URL');
  }
  return host === OPENAI_HOST || host === baseHost || isLoopback(host) ? 'openai' : null;
}

/** The credential header rtev adds for a host by policy, when the key for it is set: [name, value] or null. */
export function hostCredential(host: string, env: NodeJS.ProcessEnv): [string, string] | null {
  const policy = keyPolicy(host, env);
  if (policy === 'azure') return env.AZURE_OPENAI_API_KEY ? ['api-key', env.AZURE_OPENAI_API_KEY] : null;
  if (policy === 'openai') return env.OPENAI_API_KEY ? ['Authorization', `Bearer ${env.OPENAI_API_KEY}`] : null;
  return null;
}

/** What to scrub for one header value: the value, and the token of a `Bearer …` value. */
export function secretsOfHeader(value: string): string[] {
  const bearer = /^Bearer\s+(.+)$/i.exec(value);
  return bearer ? [value, bearer[1]!] : [value];
}

/** The values of key parameters in a query (api-key, key, token, …). */
export function secretParams(params: URLSearchParams): string[] {
  const out: string[] = [];
  for (const [k, v] of params) if (SECRET_PARAMS.test(k) && v) out.push(v);
  return out;
}

/** Secrets worth scrubbing: distinct, and long enough that replacing them cannot mangle ordinary text. */
export function uniqueSecrets(secrets: string[]): string[] {
  return [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET);
}

/** Replace every secret, in every form (see secrets.ts), in a text (an error message, a server's reason). */
export function scrub(text: string, secrets: readonly string[]): string {
  return scrubText(text, secrets);
}

/**
 * The same for a frame's bytes, text or binary (before base64), in every form: a frame that carries a secret is
 * copied with it replaced; others are returned as they are.
 */
export function scrubBytes(data: Buffer, secrets: readonly string[]): Buffer {
  return scrubAllForms(data, secrets);
}
