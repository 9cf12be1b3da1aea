/** What `rtev proxy` checks before it listens. Pure: arguments and environment in, plan or usage error out. */
import { hostCredential, isLoopback, keyPolicy, parseHeader } from '../sources/endpoint.js';
import type { HeaderList } from './headers.js';
import { parseUpstream, type Upstream } from './route.js';

export interface StartupPlan {
  upstream: Upstream;
  /**
   * Said once at start: the host policy gives the upstream a key but that key is not set; or it is set and
   * the proxy listens beyond loopback, where anyone who reaches it gets their requests sent with it.
   */
  warnings: string[];
}

/** `--header "Name: value"` values as pairs (EndpointError on a malformed one). */
export function headerPairs(headers: string[]): HeaderList {
  return headers.map(parseHeader);
}

export function planStartup(upstreamArg: string | undefined, headers: string[], env: NodeJS.ProcessEnv, listenHost = '127.0.0.1'): StartupPlan {
  const upstream = parseUpstream(upstreamArg);
  headerPairs(headers);
  const policy = keyPolicy(upstream.hostname, env);
  const given = headers.some((h) => /^\s*(authorization|api-key)\s*:/i.test(h));
  const name = policy === 'azure' ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY';
  const keyed = given || hostCredential(upstream.hostname, env) !== null;
  const warnings: string[] = [];
  if (policy !== null && !keyed) warnings.push(`${name} is not set: apps must send their own key (Authorization, api-key, or a browser's subprotocol)`);
  if (keyed && !isLoopback(listenHost)) warnings.push(`listening on ${listenHost}: whoever can reach it gets their requests sent upstream with your key`);
  return { upstream, warnings };
}
