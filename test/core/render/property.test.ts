import fc from 'fast-check';
import { normalizeInput } from '../../../lambdas/core/formats';
import { ingestBatch } from '../../../lambdas/core/ingest/ingest-batch';
import { MemoryIngestStore, MemoryTicketQueue } from '../../../lambdas/core/ingest/memory-store';
import { draftReport } from '../../../lambdas/core/draft';
import { JIRA_MAX_CHARS, renderAdf, renderMarkdown, validateAdf } from '../../../lambdas/core/render';

/**
 * Renderers fuzzed through the real pipeline: arbitrary (hostile) field text in alerts of the generic format goes
 * through normalize, enrich, correlate and draft; whatever comes out must render to ADF Jira accepts, within its size
 * limit, and to Markdown, without a throw.
 */
const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.constantFrom(
    '<script>alert(1)</script>',
    '`|`',
    '[x](http://evil.example)',
    '\u202Egpj.exe',
    '\u0000\u0007',
    '{{7*7}}',
    '"; DROP TABLE',
    '\\\\server\\share',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

const alertRecord = fc.record({
  alert_id: fc.string({ minLength: 1, maxLength: 40 }),
  timestamp: fc
    .integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2026-01-01T00:00:00Z') })
    .map((t) => new Date(t).toISOString()),
  host: hostile.filter((h) => h.trim() !== ''),
  user: hostile,
  rule: hostile,
  severity: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom('low', 'medium', 'high', 'critical')),
  technique: fc.constantFrom('T1547.001', 'T1059.001', 'T1003.001', 'T1218.011', 'T1053.005', 'T9999'),
  process: fc.record({ pid: fc.nat({ max: 70000 }), image: hostile, command_line: hostile }),
  registry: fc.record({ key: hostile, value_name: hostile, value_data: hostile }),
  network: fc.record({ dst_ip: fc.ipV4(), dst_port: fc.integer({ min: 1, max: 65535 }) }),
});

describe('renderers over arbitrary alerts', () => {
  // 2,000 alert sets in four seeded runs of 500: each is its own test, so none nears the hang guard on a busy machine.
  it.each([0, 1, 2, 3])(
    'always produce valid ADF within Jira limits and Markdown, never a throw (run %i)',
    async (run) => {
      await fc.assert(
        fc.asyncProperty(fc.array(alertRecord, { minLength: 1, maxLength: 4 }), async (records) => {
          const store = new MemoryIngestStore();
          const units = records.map((r, i) => ({
            messageId: `m-${i}`,
            ...normalizeInput(JSON.stringify(r), `m-${i}`),
          }));
          await ingestBatch(units, store, new MemoryTicketQueue());
          for (const view of store.views()) {
            const report = draftReport(view);
            const adf = renderAdf(report);
            const validation = validateAdf(adf);
            if (!validation.valid) throw new Error(validation.error);
            expect(JSON.stringify(adf).length).toBeLessThanOrEqual(JIRA_MAX_CHARS);
            expect(report.summary.length).toBeLessThanOrEqual(255);
            expect(typeof renderMarkdown(report)).toBe('string');
          }
        }),
        { numRuns: 500, seed: 20261123 + run },
      );
    },
  );
});
