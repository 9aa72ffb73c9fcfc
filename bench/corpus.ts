import * as fs from 'node:fs';
import * as path from 'node:path';
import { decode } from '../lambdas/core/formats';

export const ROOT = path.resolve(__dirname, '..');
export const SHARED_FIXTURES = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');
const OWN_FIXTURES = [path.join(ROOT, 'test', 'fixtures'), path.join(ROOT, 'examples')];

/** Every fixture file: the real corpus in ../shared when present, plus the project's own. */
export function fixtureFiles(): string[] {
  const dirs = [
    ...(fs.existsSync(SHARED_FIXTURES) ? [SHARED_FIXTURES] : []),
    ...OWN_FIXTURES.filter((d) => fs.existsSync(d)),
  ];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.(md|csv)$/i.test(e.name)) out.push(p);
    }
  };
  dirs.forEach(walk);
  return out;
}

/** The individual records of every fixture (their own text), as the decoder finds them. */
export function fixtureRecords(): { kind: 'json' | 'xml'; text: string }[] {
  const out: { kind: 'json' | 'xml'; text: string }[] = [];
  for (const f of fixtureFiles()) {
    for (const r of decode(fs.readFileSync(f), f).records) out.push({ kind: r.kind, text: r.text });
  }
  return out;
}
