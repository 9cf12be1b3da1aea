import { catalogueOf, PROTOCOLS, type Protocol } from '../events/catalogue.js';
import type { Ctx } from './context.js';

/** `rtev types`: the catalogue, as a table or as JSON lines. */
export async function runTypes(o: { json?: boolean; protocol?: Protocol }, ctx: Ctx): Promise<number> {
  const p = ctx.palette;
  const VARIANTS = catalogueOf(o.protocol ?? 'realtime').variants;
  if (o.json) {
    for (const v of VARIANTS) {
      ctx.out.write(JSON.stringify({ protocol: v.protocol, type: v.type, variant: v.name, family: v.family, dir: v.dir, aliases: v.aliases, required: v.required }) + '\n');
    }
  } else {
    const w = Math.max(...VARIANTS.map((v) => v.type.length));
    const n = Math.max(...VARIANTS.map((v) => v.name.length));
    ctx.out.write(p.bold(`${'TYPE'.padEnd(w)}  ${'VARIANT'.padEnd(n)}  ${'FAMILY'.padEnd(19)}  DIR     ALIASES`) + '\n');
    for (const v of VARIANTS) {
      const fam = v.family.padEnd(19);
      ctx.out.write(`${p.family(v.family, v.type.padEnd(w))}  ${v.name.padEnd(n)}  ${fam}  ${v.dir.padEnd(6)}  ${v.aliases.join(', ')}`.trimEnd() + '\n');
    }
    const server = VARIANTS.filter((v) => v.dir === 'server').length;
    const others = PROTOCOLS.filter((x) => x !== (o.protocol ?? 'realtime')).join('|');
    ctx.out.write(p.dim(`${server} server and ${VARIANTS.length - server} client event types; anything else is Unknown (rtev types --protocol ${others} for the others).`) + '\n');
  }
  await ctx.out.flush();
  return 0;
}
