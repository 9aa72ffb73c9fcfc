import * as path from 'node:path';
import { contextFiles, exampleFiles } from '../../cli/commands/demo';
import { readContextFiles } from '../../cli/context-files';
import { readInputs } from '../../cli/inputs';
import { runInMemory } from '../../cli/memory-pipeline';
import { DEFAULT_HANDOFF } from '../../lambdas/core/correlate/incident-meta';
import { draftReport } from '../../lambdas/core/draft';
import { MAX_LABELS } from '../../lambdas/core/draft/labels';
import type { ContextSnapshot } from '../../lambdas/core/model/enrichment';
import { emptyContext } from '../../lambdas/core/model/enrichment';
import { JIRA_MAX_CHARS, renderAdf, renderMarkdown, validateAdf } from '../../lambdas/core/render';
import { descriptionText } from '../../lambdas/core/render/adf-text';
import { allRealFixtures, realFixture } from '../helpers/real-fixtures';

/**
 * The ticket an analyst triages in a minute (issue 16): every ticket the examples and the real corpus give, each
 * recording run on its own as its own stream would be, measured on the text Jira shows (`descriptionText`).
 */

/** Any description, and the typical one (each example, and the median), in visible characters. */
const MAX_ANY = 8000;
const MAX_TYPICAL = 5000;
/** "Well inside" Jira's 32,767-character limit on the JSON: room for a later update to add a line or two. */
const MAX_JSON = Math.floor(JIRA_MAX_CHARS * 0.9);

interface Ticket {
  source: string;
  visible: number;
  /** The same ticket as the CLI's Markdown (`a2t draft`, `replay --out`). */
  markdown: number;
  json: number;
  labels: string[];
  shortened: boolean;
  valid: boolean;
}

async function ticketsOf(files: string[], context: ContextSnapshot, source: string): Promise<Ticket[]> {
  const run = await runInMemory(await readInputs(files), context);
  return run.views
    .filter((v) => v.severity >= DEFAULT_HANDOFF.ticketThreshold)
    .map((v) => {
      const report = draftReport(v);
      const adf = renderAdf(report);
      return {
        source,
        visible: descriptionText(adf).length,
        markdown: renderMarkdown(report).length,
        json: JSON.stringify(adf).length,
        labels: report.labels,
        shortened: descriptionText(adf).startsWith('Note: shortened to fit'),
        valid: validateAdf(adf).valid,
      };
    });
}

/** The lower median: half the tickets are at most this long. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

describe('ticket size over the examples and the real corpus', () => {
  const examples: Ticket[] = [];
  let all: Ticket[] = [];

  beforeAll(async () => {
    const { snapshot } = readContextFiles(contextFiles());
    // One example scenario per directory, with the examples' asset and user context, as the demo runs them.
    const dirs = [...new Set(exampleFiles().map((f) => path.dirname(f)))];
    for (const dir of dirs) examples.push(...(await ticketsOf([dir], snapshot, path.basename(dir))));
    const real: Ticket[] = [];
    for (const rel of allRealFixtures()) real.push(...(await ticketsOf([realFixture(rel)], emptyContext(), rel)));
    all = [...examples, ...real];
  });

  it('has enough tickets to measure: the examples and more than ten from the corpus', () => {
    expect(examples.map((t) => t.source)).toEqual(expect.arrayContaining(['runkey-fin-ws-034', 'procsrv']));
    expect(all.length - examples.length).toBeGreaterThan(10);
  });

  it(`keeps each example, a typical incident, within ${MAX_TYPICAL.toLocaleString('en-US')} visible characters`, () => {
    expect(examples.filter((t) => t.visible > MAX_TYPICAL).map((t) => `${t.source}: ${t.visible}`)).toEqual([]);
  });

  it(`keeps every description within ${MAX_ANY.toLocaleString('en-US')} visible characters`, () => {
    expect(all.filter((t) => t.visible > MAX_ANY).map((t) => `${t.source}: ${t.visible}`)).toEqual([]);
  });

  it(`keeps every ticket's Markdown within ${MAX_ANY.toLocaleString('en-US')} characters, markup included`, () => {
    expect(all.filter((t) => t.markdown > MAX_ANY).map((t) => `${t.source}: ${t.markdown}`)).toEqual([]);
  });

  it(`keeps the typical (median) description within ${MAX_TYPICAL.toLocaleString('en-US')} visible characters`, () => {
    expect(median(all.map((t) => t.visible))).toBeLessThanOrEqual(MAX_TYPICAL);
  });

  it('keeps the ADF valid and well inside Jira’s limit', () => {
    expect(all.filter((t) => !t.valid || t.json > MAX_JSON).map((t) => `${t.source}: ${t.json}`)).toEqual([]);
  });

  it('fits the examples whole, and all but a few corpus tickets: the size is not reached by cutting', () => {
    expect(examples.filter((t) => t.shortened).map((t) => t.source)).toEqual([]);
    expect(all.filter((t) => t.shortened).length).toBeLessThanOrEqual(Math.floor(all.length / 10));
  });

  it(`gives every ticket at most ${MAX_LABELS} labels`, () => {
    expect(all.filter((t) => t.labels.length > MAX_LABELS).map((t) => `${t.source}: ${t.labels.join(' ')}`)).toEqual(
      [],
    );
  });
});
