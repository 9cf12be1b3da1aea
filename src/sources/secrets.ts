/**
 * Scrubbing secrets (API keys, header values, URL passwords) from everything rtev writes or shows: frames before
 * they are recorded or displayed, messages, close reasons. A server may echo a key in another form than it was
 * sent, so each secret is matched in every form rtev writes or shows: literal, JSON-escaped (`sk\u002d…`, any
 * character, either hex case, escaped again when it sits in a JSON string), percent-encoded (`sk%2D…`), and any mix of these. Matching works on bytes, so a
 * binary frame is scrubbed before it is base64-encoded and a frame that is not valid UTF-8 stays as it was.
 */

export const REDACTED = 'REDACTED';

/** Secrets shorter than this are not scrubbed: replacing them could mangle ordinary text. */
export const MIN_SECRET = 4;

const hexClass = (h: string) => [...h].map((c) => (/[a-f]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');

/** A regular expression source matching one byte (as a latin1 character) in each of its forms. */
function byteForms(b: number): string {
  const hex = b.toString(16).padStart(2, '0');
  const forms = [`%${hexClass(hex)}`];
  const lit = String.fromCharCode(b);
  forms.unshift(/[\\^$.*+?()[\]{}|/-]/.test(lit) ? `\\${lit}` : b < 0x20 || b > 0x7e ? `\\x${hex}` : lit);
  // JSON's \u00XX, escaped again any number of times (JSON in a JSON string: tool arguments, a nested event).
  if (b < 0x80) forms.push(`\\\\+u00${hexClass(hex)}`);
  if (b === 0x2f) forms.push('\\\\\\/'); // JSON's \/
  return `(?:${forms.join('|')})`;
}

/** The compiled matcher for a set of secrets. */
export class Scrubber {
  private readonly literals: Buffer[];
  private readonly re: RegExp | null;

  constructor(secrets: readonly string[]) {
    const usable = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET).sort((a, b) => b.length - a.length);
    this.literals = usable.map((s) => Buffer.from(s, 'utf8'));
    this.re = usable.length
      ? new RegExp(this.literals.map((b) => [...b].map(byteForms).join('')).join('|'), 'g')
      : null;
  }

  /** The bytes with every secret replaced, or the same buffer when none is there. */
  bytes(data: Buffer): Buffer {
    if (this.re === null) return data;
    // Without a `%` or a `\` only the literal forms can be there: a native search decides (audio, most frames).
    if (data.indexOf(0x25) < 0 && data.indexOf(0x5c) < 0 && !this.literals.some((l) => data.includes(l))) return data;
    const text = data.toString('latin1');
    this.re.lastIndex = 0;
    if (!this.re.test(text)) return data;
    return Buffer.from(text.replace(this.re, REDACTED), 'latin1');
  }

  /** A string (a message, a reason) with every secret replaced. */
  text(s: string): string {
    if (this.re === null) return s;
    const b = Buffer.from(s, 'utf8');
    const out = this.bytes(b);
    return out === b ? s : out.toString('utf8');
  }
}

const compiled = new WeakMap<readonly string[], Scrubber>();

/** The scrubber for a list of secrets, compiled once per list. */
export function scrubberFor(secrets: readonly string[]): Scrubber {
  let s = compiled.get(secrets);
  if (!s) compiled.set(secrets, (s = new Scrubber(secrets)));
  return s;
}

/** Replace every secret, in every form, in a text. */
export function scrubText(text: string, secrets: readonly string[]): string {
  return scrubberFor(secrets).text(text);
}

/** Replace every secret, in every form, in a frame's bytes (text or binary); an untouched frame is returned as is. */
export function scrubBytes(data: Buffer, secrets: readonly string[]): Buffer {
  return scrubberFor(secrets).bytes(data);
}

/**
 * The credentials in a URL's user info (`wss://user:key@host`): the password (or a lone user name, which is then
 * the credential), decoded, and the `Basic` token a client makes of them.
 */
export function userInfoSecrets(url: URL): string[] {
  if (!url.username && !url.password) return [];
  const user = safeDecode(url.username);
  const pass = safeDecode(url.password);
  const out = pass ? [pass] : [user];
  out.push(Buffer.from(`${user}:${pass}`).toString('base64'));
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
