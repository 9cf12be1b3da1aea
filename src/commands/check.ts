import { safeStringify, escapeControls } from '../format/escape.js';
import { LIMIT_PER_RULE, RULES, type Finding, type Rule } from '../pipeline/check.js';
import { FALSE_POSITIVE_RATE, WINDOW } from '../pipeline/seen-ids.js';
import type { FilterSpec } from '../pipeline/filter.js';
import { coreOptions, type CheckPartial } from '../parallel/cores.js';
import { readPerSource } from '../parallel/run.js';
import { EXIT, type Ctx } from './context.js';

/** `rtev check`: one finding per line, `FILE:LINE: rule: message`; exit 1 when an error is found. */
export async function runCheck(sources: string[], o: FilterSpec & { json?: boolean; strict?: boolean; jobs?: number }, ctx: Ctx): Promise<number> {
  // Each source is checked on its own (its own session: ids, responses, GA or beta names), then merged in order.
  const counts: Partial<Record<Rule, number>> = {};
  const listed: Partial<Record<Rule, number>> = {};
  const findings: Finding[] = [];
  let old = 0;
  const run = await readPerSource(sources, ctx, o, {
    name: 'check', opts: coreOptions(o), jobs: o.jobs,
    onEnd: (partial) => {
      const c = partial as CheckPartial;
      for (const [r, n] of Object.entries(c.counts) as [Rule, number][]) counts[r] = (counts[r] ?? 0) + n;
      // The first LIMIT_PER_RULE of each rule over the whole run are listed, as one checker would list them.
      for (const x of c.findings) if ((listed[x.rule] = (listed[x.rule] ?? 0) + 1) <= LIMIT_PER_RULE) findings.push(x);
      old += c.possibleOld;
    },
  });
  const p = ctx.palette;
  for (const x of findings) {
    if (o.json) ctx.out.write(safeStringify({ file: x.source, line: x.line, rule: x.rule, severity: x.severity, message: x.message }) + '\n');
    else {
      const sev = x.severity === 'warning' ? p.warn('warning: ') : '';
      ctx.out.write(`${escapeControls(x.source)}:${x.line}: ${p.bold(x.rule)}: ${sev}${escapeControls(x.message)}\n`);
    }
  }
  const errors = Object.entries(counts).filter(([r]) => RULES[r as keyof typeof RULES].severity === 'error').reduce((n, [, c]) => n + c!, 0);
  const warnings = Object.entries(counts).filter(([r]) => RULES[r as keyof typeof RULES].severity === 'warning').reduce((n, [, c]) => n + c!, 0);
  const per = Object.entries(counts).map(([r, c]) => `${r} ${c}`).join(', ');
  const shown = findings.length < errors + warnings ? ` (${errors + warnings - findings.length} beyond the first 1000 of a rule not listed)` : '';
  // The findings first (stdout), then the summary (stderr): on a terminal the summary is the last line.
  await ctx.out.flush();
  if (run.nothingRead) return run.code;
  // Repeats of ids older than the exact window: a Bloom filter's "maybe", so counted here, never named or failed on.
  const maybe = old ? `; ${old} server event_id${old === 1 ? '' : 's'} may repeat one older than the last ${WINDOW.toLocaleString('en-US')} (not confirmed: a Bloom filter, false-positive rate ${FALSE_POSITIVE_RATE} per id)` : '';
  ctx.say(`rtev check: ${errors} protocol error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${per ? ` (${per})` : ''}${shown}${maybe}`);
  if (run.code !== EXIT.ok) return run.code;
  return errors > 0 ? EXIT.failure : EXIT.ok;
}
