import { safeStringify, escapeControls } from '../format/escape.js';
import { Checker, RULES } from '../pipeline/check.js';
import { FALSE_POSITIVE_RATE, WINDOW } from '../pipeline/seen-ids.js';
import { compileFilter, type FilterSpec } from '../pipeline/filter.js';
import { EXIT, type Ctx } from './context.js';
import { visitFrames } from './frames.js';

/** `rtev check`: one finding per line, `FILE:LINE: rule: message`; exit 1 when an error is found. */
export async function runCheck(sources: string[], o: FilterSpec & { json?: boolean; strict?: boolean }, ctx: Ctx): Promise<number> {
  const checker = new Checker();
  const keep = compileFilter(o);
  const run = await visitFrames(sources, ctx, { ...o, onMeta: (source, line, rtev) => checker.meta(source, line, rtev) }, (f) => { if (keep(f)) checker.add(f); });
  const findings = checker.finish();
  const p = ctx.palette;
  for (const x of findings) {
    if (o.json) ctx.out.write(safeStringify({ file: x.source, line: x.line, rule: x.rule, severity: x.severity, message: x.message }) + '\n');
    else {
      const sev = x.severity === 'warning' ? p.warn('warning: ') : '';
      ctx.out.write(`${escapeControls(x.source)}:${x.line}: ${p.bold(x.rule)}: ${sev}${escapeControls(x.message)}\n`);
    }
  }
  const errors = Object.entries(checker.counts).filter(([r]) => RULES[r as keyof typeof RULES].severity === 'error').reduce((n, [, c]) => n + c!, 0);
  const warnings = Object.entries(checker.counts).filter(([r]) => RULES[r as keyof typeof RULES].severity === 'warning').reduce((n, [, c]) => n + c!, 0);
  const per = Object.entries(checker.counts).map(([r, c]) => `${r} ${c}`).join(', ');
  const shown = findings.length < errors + warnings ? ` (${errors + warnings - findings.length} beyond the first 1000 of a rule not listed)` : '';
  // The findings first (stdout), then the summary (stderr): on a terminal the summary is the last line.
  await ctx.out.flush();
  // Repeats of ids older than the exact window: a Bloom filter's "maybe", so counted here, never named or failed on.
  const old = checker.possibleOldDuplicates;
  const maybe = old ? `; ${old} server event_id${old === 1 ? '' : 's'} may repeat one older than the last ${WINDOW.toLocaleString('en-US')} (not confirmed: a Bloom filter, false-positive rate ${FALSE_POSITIVE_RATE} per id)` : '';
  ctx.say(`rtev check: ${errors} protocol error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${per ? ` (${per})` : ''}${shown}${maybe}`);
  if (run.code !== EXIT.ok) return run.code;
  return errors > 0 ? EXIT.failure : EXIT.ok;
}
