import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { AlertSchema } from '../../../lambdas/core/model/alert';
import { decode } from '../../../lambdas/core/formats/decode';
import { normalizeInput } from '../../../lambdas/core/formats/index';
import { ownRealFixtures, realFixture } from '../../helpers/real-fixtures';
import { OWN_DIR, RECEIVED } from './helpers';

/**
 * Whatever the input, normalizeInput returns alerts and rejections and never throws; every rejection has a one-line
 * reason; every alert is schema-valid. (How fast it runs is `npm run bench`'s concern: a test never times itself.)
 */

const RUNS = { numRuns: 2000 };

function check(body: string | Buffer): void {
  const result = normalizeInput(body, 'prop', { receivedTime: RECEIVED });
  expect(Array.isArray(result.alerts)).toBe(true);
  expect(Array.isArray(result.rejections)).toBe(true);
  for (const r of result.rejections) {
    expect(r.rejected).toBe(true);
    expect(r.reason).toMatch(/^\S[^\n\r]*$/);
  }
  for (const a of result.alerts) expect(AlertSchema.safeParse(a).success).toBe(true);
}

/** Record texts to mutate: the project's own fixtures and the published samples copied into the repository. */
function seedTexts(): string[] {
  const files = [...fs.readdirSync(OWN_DIR).map((f) => path.join(OWN_DIR, f)), ...ownRealFixtures().map(realFixture)];
  const texts = files.flatMap((f) =>
    decode(fs.readFileSync(f), f)
      .records.slice(0, 20)
      .map((r) => r.text),
  );
  return texts.filter((t) => t.length < 20_000);
}

const seeds = seedTexts();
const jsonSeeds = seeds.filter((t) => t.startsWith('{'));

type Edit = [number, number, string];

function applyEdits(text: string, edits: Edit[]): string {
  let s = text;
  for (const [pos, op, chunk] of edits) {
    const i = s.length === 0 ? 0 : pos % s.length;
    if (op === 0) s = s.slice(0, i) + s.slice(i + 1);
    else if (op === 1) s = s.slice(0, i) + chunk + s.slice(i);
    else if (op === 2) s = s.slice(0, i) + chunk + s.slice(i + chunk.length);
    else s = s.slice(0, i);
  }
  return s;
}

/** Replace one field, at the top or one level down, with an arbitrary JSON value: wrong types everywhere. */
function replaceField(text: string, pick: number, value: unknown): string {
  const obj = JSON.parse(text) as Record<string, unknown>;
  const keys = Object.keys(obj);
  const key = keys[pick % keys.length]!;
  const inner = obj[key];
  if (inner !== null && typeof inner === 'object' && !Array.isArray(inner) && pick % 2 === 0) {
    const innerKeys = Object.keys(inner);
    if (innerKeys.length > 0) (inner as Record<string, unknown>)[innerKeys[pick % innerKeys.length]!] = value;
  } else obj[key] = value;
  return JSON.stringify(obj);
}

describe('normalizeInput properties', () => {
  it('has seeds to mutate', () => {
    expect(seeds.length).toBeGreaterThanOrEqual(10);
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => check(s)),
      RUNS,
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => check(Buffer.from(b))),
      RUNS,
    );
  });

  it('never throws on arbitrary JSON values, bare or inside SNS and EventBridge envelopes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.nat({ max: 2 }), (v, wrap) => {
        const text = JSON.stringify(v);
        if (wrap === 0) check(text);
        else if (wrap === 1) check(JSON.stringify({ Type: 'Notification', MessageId: 'm', Message: text }));
        else check(JSON.stringify({ 'detail-type': 't', source: 's', detail: v }));
      }),
      RUNS,
    );
  });

  it('never throws on real records with random edits (truncation, insertion, deletion)', () => {
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 6 }), (seed, edits) =>
        check(applyEdits(seed, edits as Edit[])),
      ),
      RUNS,
    );
  });

  it('never throws on real records with a field replaced by any JSON value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...jsonSeeds), fc.nat(), fc.jsonValue({ maxDepth: 3 }), (seed, pick, value) =>
        check(replaceField(seed, pick, value)),
      ),
      RUNS,
    );
  });
});
