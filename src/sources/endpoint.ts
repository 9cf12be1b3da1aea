/**
 * Where a live SOURCE connects and with which credentials (PRODUCT.md §5). Pure: environment in, plan out.
 * A key goes only to the host it is meant for: OpenAI's key to api.openai.com, to the host of
 * $OPENAI_BASE_URL and to loopback; Azure's key to Azure hosts; to any other host, only --header values.
 */
import { escapeControls } from '../format/escape.js';
import { MIN_SECRET, scrubText, userInfoSecrets } from './secrets.js';

export interface EndpointOptions {
  source?: string;
  callId?: string;
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
    return url.replace(/([?&](?:api[-_]?key|key|token)=)[^&#]*/gi, '$1REDACTED');
  }
  if (u.username || u.password) { u.username = 'REDACTED'; u.password = ''; }
  for (const k of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(k)) u.searchParams.set(k, 'REDACTED');
  return u.toString();
}

function parseHeader(h: string): [string, string] {
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

/** Resolve a live SOURCE (a ws/wss URL, `openai`, or nothing) and the environment into a connection plan. */
export function resolveEndpoint(o: EndpointOptions, env: NodeJS.ProcessEnv): Endpoint {
  const model = o.model ?? env.RTEV_MODEL ?? 'gpt-realtime';
  let url: URL;
  const src = o.source;
  if (src === undefined || src === 'openai') {
    url = realtimeUnder(env.OPENAI_BASE_URL || 'https://api.openai.com/v1');
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
    throw new EndpointError(`${src}: not a live source (use ws://…, wss://… or openai)`);
  }

  const host = url.hostname;
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  let baseHost: string | null = null;
  try {
    baseHost = env.OPENAI_BASE_URL ? new URL(env.OPENAI_BASE_URL).hostname : null;
  } catch {
    throw new EndpointError('OPENAI_BASE_URL is not a valid URL');
  }
  const given = (o.headers ?? []).map(parseHeader);
  const givenNames = new Set(given.map(([n]) => n.toLowerCase()));

  if (isAzure(host)) {
    const key = env.AZURE_OPENAI_API_KEY;
    if (key) headers['api-key'] = key;
    else if (!givenNames.has('api-key') && !givenNames.has('authorization') && !url.searchParams.has('api-key')) {
      throw new EndpointError('AZURE_OPENAI_API_KEY is not set (or pass --header "api-key: …")');
    }
  } else if (host === OPENAI_HOST || host === baseHost || isLoopback(host)) {
    const key = env.OPENAI_API_KEY;
    if (key) headers.Authorization = `Bearer ${key}`;
    else if (!isLoopback(host) && !givenNames.has('authorization')) {
      throw new EndpointError('OPENAI_API_KEY is not set (export it, or pass --header "Authorization: Bearer …")');
    }
  }
  for (const [name, value] of given) {
    headers[name] = value;
    if (value) secrets.push(value);
  }
  for (const v of Object.values(headers)) {
    secrets.push(v);
    const bearer = /^Bearer\s+(.+)$/i.exec(v);
    if (bearer) secrets.push(bearer[1]!);
  }
  const params = [...url.searchParams].filter(([k, v]) => SECRET_PARAMS.test(k) && v).map(([, v]) => v);
  const userInfo = userInfoSecrets(url);
  secrets.push(...params, ...userInfo);
  const shown = redactUrl(url.toString());
  // Plain ws:// shows every header and the URL to the network: no key goes that way unless asked.
  const carriesKey = Object.keys(headers).length > 0 || params.length > 0 || userInfo.length > 0;
  if (url.protocol === 'ws:' && !isLoopback(host) && carriesKey && !o.insecure) {
    throw new EndpointError(`${shown}: plain ws:// to ${host} would send the key unencrypted, readable on the network; use wss://, or --insecure to send it anyway`);
  }
  const typed = src !== undefined && src !== 'openai' ? new URL(src) : null;
  const keyOnCommandLine = typed !== null && (userInfoSecrets(typed).length > 0 || [...typed.searchParams.keys()].some((k) => SECRET_PARAMS.test(k)));
  return { url: url.toString(), shown, host, headers, secrets: [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET), keyOnCommandLine };
}

/** Replace every secret, in every form, in a text (an error message, a server's reason) before it is shown. */
export function scrub(text: string, secrets: readonly string[]): string {
  return scrubText(text, secrets);
}
