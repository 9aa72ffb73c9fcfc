import * as fs from 'node:fs';
import { buildSnapshot, parseContextFile } from '../lambdas/core/enrich';
import type { ParsedContext } from '../lambdas/core/enrich';
import type { ContextSnapshot } from '../lambdas/core/model/enrichment';
import { CliError } from './errors';

/** Reads `--context FILE` options: assets, users, indicators (CSV with a header row, or JSON). */
export function readContextFiles(
  files: string[],
  warn: (line: string) => void = () => undefined,
): { parsed: ParsedContext; snapshot: ContextSnapshot } {
  const parsed: ParsedContext = { assets: [], users: [], indicators: [], errors: [] };
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new CliError(`cannot read context file ${file}: no such file or unreadable`);
    }
    const p = parseContextFile(text, file);
    parsed.assets.push(...p.assets);
    parsed.users.push(...p.users);
    parsed.indicators.push(...p.indicators);
    parsed.errors.push(...p.errors);
    for (const e of p.errors) warn(e);
  }
  return { parsed, snapshot: buildSnapshot(parsed.assets, parsed.users, parsed.indicators) };
}
