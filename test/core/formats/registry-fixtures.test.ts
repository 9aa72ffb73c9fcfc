import * as fs from 'node:fs';
import * as path from 'node:path';
import { adapters } from '../../../lambdas/core/formats/registry';
import { FORMAT_IDS, PRODUCTS, productOfFormat, SOURCE_PRODUCTS } from '../../../lambdas/core/model/products';
import { REPO_ROOT, run } from './helpers';

/**
 * The registry, the product table and the fixtures agree: every registered adapter is declared under its product,
 * every declared format has an adapter, and every adapter has at least one fixture under test/fixtures/ that
 * normalizes through it. Adding an adapter without a fixture (or without a products.ts row) fails here.
 */

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures');
/** Provenance notes and licenses sit beside the samples; they are not input. */
const NOT_INPUT = /\.(md|txt)$|^(LICENSE|NOTICE|SOURCES)/i;

function fixtureFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? fixtureFiles(path.join(dir, e.name)) : NOT_INPUT.test(e.name) ? [] : [path.join(dir, e.name)],
    );
}

/** Format id → the fixture files (relative to test/fixtures) with at least one alert from that adapter. */
function formatsInFixtures(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of fixtureFiles(FIXTURES)) {
    const rel = path.relative(FIXTURES, file);
    for (const format of new Set(run(fs.readFileSync(file), rel).alerts.map((a) => a.source.format))) {
      out.set(format, [...(out.get(format) ?? []), rel]);
    }
  }
  return out;
}

const covered = formatsInFixtures();
const ids = adapters.map((a) => a.id);

describe('format registry and fixtures', () => {
  it('finds fixtures to read', () => {
    expect(fixtureFiles(FIXTURES).length).toBeGreaterThan(0);
  });

  it('registers each adapter id once', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(ids)('has a fixture under test/fixtures/ that normalizes through %s', (id) => {
    // On failure: add a sample of this format to test/fixtures/ (see docs/extending.md, "Add a format").
    expect(covered.get(id) ?? []).not.toEqual([]);
  });

  it.each(adapters.map((a) => [a.id, a.product] as const))(
    'declares %s under product %s in lambdas/core/model/products.ts',
    (id, product) => {
      expect(productOfFormat(id)).toBe(product);
    },
  );

  it('registers an adapter for every format the product table declares', () => {
    expect([...FORMAT_IDS].sort()).toEqual([...ids].sort());
  });

  it('stamps every fixture alert with the product its format belongs to', () => {
    for (const file of fixtureFiles(FIXTURES)) {
      for (const a of run(fs.readFileSync(file), file).alerts) {
        expect([a.source.format, a.source.product]).toEqual([a.source.format, productOfFormat(a.source.format)]);
      }
    }
  });

  it('gives every product a name, a short name and a label that is a valid Jira label', () => {
    for (const id of SOURCE_PRODUCTS) {
      const p = PRODUCTS[id];
      expect(p.id).toBe(id);
      expect(p.name).not.toBe('');
      expect(p.shortName).not.toBe('');
      expect(p.label).toMatch(/^[a-z0-9._-]+$/);
      expect(p.formats.length).toBeGreaterThan(0);
    }
  });
});
