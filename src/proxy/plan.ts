/** What `rtev proxy` checks before it listens. Pure: arguments and environment in, plan or usage error out. */
import { hostCredential, keyPolicy, parseHeader } from '../sources/endpoint.js';
import type { HeaderList } from './headers.js';
import { parseUpstream, type Upstream } from './route.js';

export interface StartupPlan {
  upstream: Upstream;
  /** Said once at start: the host policy gives the upstream a key, but that key is not set. */
  warning: string | null;
}

/** `--header "Name: value"` values as pairs (EndpointError on a malformed one). */
export function headerPairs(headers: string[]): HeaderList {
  return headers.map(parseHeader);
}

export function planStartup(upstreamArg: string | undefined, headers: string[], env: NodeJS.ProcessEnv): StartupPlan {
  const upstream = parseUpstream(upstreamArg);
  headerPairs(headers);
  const policy = keyPolicy(upstream.hostname, env);
  const given = headers.some((h) => /^\s*(authorization|api-key)\s*:/i.test(h));
  const name = policy === 'azure' ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY';
  const warning = policy !== null && !given && hostCredential(upstream.hostname, env) === null
    ? `${name} is not set: apps must send their own key (Authorization, api-key, or a browser's subprotocol)` : null;
  return { upstream, warning };
}
