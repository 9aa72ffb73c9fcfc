import {
  LEVELS,
  PackError,
  isReachable,
  levelOf,
  loadBuiltinPack,
  logsourceLabel,
  routeOf,
} from '../../lambdas/core/detect';
import { loadRulesDir } from '../../lambdas/core/detect/user-rules';
import type { RulePack, SigmaRuleMeta } from '../../lambdas/core/detect';
import { CliError, EXIT } from '../errors';

/** What `a2t rules check` counts. */
export interface RulesReport {
  pack: string;
  rules: number;
  compiled: number;
  byStatus: Record<string, number>;
  byLevel: Record<string, number>;
  byLogsource: Record<string, number>;
  /** Unsupported rules by reason, each with its ids. */
  unsupported: Record<string, string[]>;
  invalid: string[];
  /** Logsources of loaded rules that no Windows event this project reads can reach (ETW-only categories…). */
  unreachable: Record<string, number>;
}

function bump(o: Record<string, number>, k: string): void {
  o[k] = (o[k] ?? 0) + 1;
}

/** Counts sorted by count (then name), for stable, readable output. */
function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

export function rulesReport(pack: RulePack): RulesReport {
  const byStatus: Record<string, number> = {};
  const byLevel: Record<string, number> = {};
  const byLogsource: Record<string, number> = {};
  const unreachable: Record<string, number> = {};
  const unsupported: Record<string, string[]> = {};
  const count = (meta: SigmaRuleMeta): void => {
    bump(byStatus, meta.status ?? '(none)');
    bump(byLevel, levelOf(meta));
    const label = logsourceLabel(meta.logsource);
    bump(byLogsource, label);
    const route = routeOf(meta.logsource);
    if (route.kind === 'routed' && !isReachable(route.key)) bump(unreachable, label);
  };
  for (const { meta } of pack.rules) count(meta);
  for (const u of pack.unsupported) {
    count(u.meta);
    (unsupported[u.reason] ??= []).push(u.meta.id);
  }
  const levels = Object.fromEntries(
    [...LEVELS].reverse().flatMap((l) => (byLevel[l] === undefined ? [] : [[l, byLevel[l]!]])),
  );
  return {
    pack: pack.name,
    rules: pack.rules.length + pack.unsupported.length + pack.invalid.length,
    compiled: pack.rules.length,
    byStatus: sorted(byStatus),
    byLevel: levels,
    byLogsource: sorted(byLogsource),
    unsupported,
    invalid: [...pack.invalid],
    unreachable: sorted(unreachable),
  };
}

function line(label: string, counts: Record<string, number>): string {
  const parts = Object.entries(counts).map(([k, n]) => `${k} ${n}`);
  return `${label}: ${parts.length > 0 ? parts.join(', ') : '-'}\n`;
}

export function printRulesReport(r: RulesReport, out: NodeJS.WritableStream): void {
  const unsupportedCount = Object.values(r.unsupported).reduce((a, ids) => a + ids.length, 0);
  out.write(
    `${r.pack}: ${r.rules} rule(s), ${r.compiled} compiled, ${unsupportedCount} unsupported, ${r.invalid.length} invalid\n`,
  );
  out.write(line('status', r.byStatus));
  out.write(line('level', r.byLevel));
  out.write(line('logsource', r.byLogsource));
  for (const [reason, ids] of Object.entries(r.unsupported).sort((a, b) => b[1].length - a[1].length))
    out.write(`unsupported (${ids.length}): ${reason}: ${ids.join(' ')}\n`);
  if (Object.keys(r.unreachable).length > 0) out.write(line('no Windows event reaches', r.unreachable));
  for (const i of r.invalid) out.write(`invalid: ${i}\n`);
}

/**
 * `a2t rules check [DIR]`: the rules of a user folder (or of the builtin pack, every rule whatever its status) by
 * status, level, logsource and unsupported reason. A folder with an invalid or unsupported rule exits 2 (each
 * problem is one line of the report).
 */
export function rulesCheckCommand(
  dir: string | undefined,
  opts: { json?: boolean } = {},
  out: NodeJS.WritableStream = process.stdout,
): RulesReport {
  let pack: RulePack;
  let errors: string[] = [];
  if (dir === undefined) {
    try {
      pack = loadBuiltinPack({ all: true, eager: true });
    } catch (e) {
      if (e instanceof PackError) throw new CliError(e.message, EXIT.failed);
      throw e;
    }
  } else {
    ({ pack, errors } = loadRulesDir(dir));
  }
  const report = rulesReport(pack);
  if (opts.json === true) out.write(`${JSON.stringify(report, null, 2)}\n`);
  else printRulesReport(report, out);
  // Each problem is already a line of the report (invalid: …, unsupported …); stderr says why the exit code is 2.
  if (errors.length > 0) throw new CliError(`${errors.length} problem(s) in ${dir}`, EXIT.usage);
  return report;
}
