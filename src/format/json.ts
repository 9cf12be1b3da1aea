import type { Frame } from '../events/frame.js';

/**
 * The prefix of a tagged line, `{"seq":…,"ts":…,"dir":…,"protocol":…,"variant":…,"family":…[,"alias":…],"event":`; the
 * event's own bytes follow verbatim, then `}`. Text and binary frames carry `"text"` / `"binary"` instead.
 */
export function taggedPrefix(f: Frame): string {
  const v = f.tag.variant;
  const head = `{"seq":${f.seq},"ts":${f.ts === null ? 'null' : JSON.stringify(f.ts)},"dir":"${f.direction}","protocol":"${v.protocol}"`;
  if (f.kind !== 'event') return `${head},"variant":null,"family":null,"${f.kind}":`;
  const alias = f.tag.alias === null ? '' : `,"alias":${JSON.stringify(f.tag.alias)}`;
  return `${head},"variant":"${v.name}","family":"${v.family}"${alias},"event":`;
}
