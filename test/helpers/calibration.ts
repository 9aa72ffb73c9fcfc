import * as fs from 'node:fs';
import * as path from 'node:path';
import { annotateAlert, createDetector, detectRecord, loadBuiltinPack } from '../../lambdas/core/detect';
import type { Detector } from '../../lambdas/core/detect';
import { draftReport } from '../../lambdas/core/draft';
import { buildSnapshot, parseContextFile } from '../../lambdas/core/enrich';
import { normalizeInput } from '../../lambdas/core/formats';
import { ingestBatch } from '../../lambdas/core/ingest/ingest-batch';
import { MemoryIngestStore, MemoryTicketQueue } from '../../lambdas/core/ingest/memory-store';
import type { AssetContext, IndicatorContext, UserContext } from '../../lambdas/core/model/enrichment';
import type { IncidentView } from '../../lambdas/core/model/incident';
import type { PriorityLevel } from '../../lambdas/core/model/report';
import { realFixture } from './real-fixtures';

/**
 * The calibration set (test/fixtures/calibration): cases with the priority the rubric (docs/priority.md) gives them
 * and why, and the code that runs one through the pipeline as the Lambda does: decode, normalize, the Sigma detect
 * stage with the shipped pack, enrich, correlate, judge, draft.
 */

export const CALIBRATION_DIR = path.resolve(__dirname, '..', 'fixtures', 'calibration');
const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');

export interface CalibrationCase {
  id: string;
  kind: 'malicious' | 'benign';
  source: 'chain' | 'edr' | 'sigma-regression' | 'corpus' | 'example';
  /** Files under the calibration folder; `corpus:<dir/file>` for fixtures/real; `example:<path>` for examples/. */
  inputs: string[];
  context?: {
    assets?: AssetContext[];
    users?: UserContext[];
    indicators?: IndicatorContext[];
    /** Context files (CSV or JSON) as `a2t context import` reads them, named like inputs. */
    files?: string[];
  };
  /**
   * Judge the incident with an alert whose rule name, title, event name, description or host contains this (in any case); else the
   * most severe incident of the case.
   */
  select?: string;
  expected: {
    /** P4 means no ticket: below the ticket threshold. */
    priority: PriorityLevel;
    /** The rubric row (core/judge/rubric.ts) that decides it. */
    rubric: string;
    /** The technique the summary leads with, when the evidence names one. */
    technique?: string;
  };
  why: string;
}

export function loadCases(): CalibrationCase[] {
  const raw = JSON.parse(fs.readFileSync(path.join(CALIBRATION_DIR, 'cases.json'), 'utf8')) as {
    cases: CalibrationCase[];
  };
  return raw.cases;
}

/** Where an input or context name points. */
export function resolveInput(name: string): string {
  if (name.startsWith('corpus:')) return realFixture(name.slice('corpus:'.length));
  if (name.startsWith('example:')) return path.join(EXAMPLES_DIR, name.slice('example:'.length));
  return path.join(CALIBRATION_DIR, name);
}

let shared: Detector | undefined;
/** The shipped Sigma pack, compiled once for the whole set. */
export function calibrationDetector(): Detector {
  shared ??= createDetector([loadBuiltinPack()]);
  return shared;
}

export interface CaseResult {
  view: IncidentView;
  priority: PriorityLevel;
  rubric: string | undefined;
  summary: string;
  severity: number;
  reasons: string[];
}

/** The fixed receive time of the set: results never depend on the clock. */
const RECEIVED = '2024-06-01T00:00:00.000Z';

/** Run a case through the pipeline in memory and judge the incident it is about. */
export async function runCase(c: CalibrationCase, detector: Detector = calibrationDetector()): Promise<CaseResult> {
  const assets = [...(c.context?.assets ?? [])];
  const users = [...(c.context?.users ?? [])];
  const indicators = [...(c.context?.indicators ?? [])];
  for (const file of c.context?.files ?? []) {
    const parsed = parseContextFile(fs.readFileSync(resolveInput(file), 'utf8'), file);
    assets.push(...parsed.assets);
    users.push(...parsed.users);
    indicators.push(...parsed.indicators);
  }
  const store = new MemoryIngestStore(buildSnapshot(assets, users, indicators));
  const units = c.inputs.map((input) => ({
    messageId: input,
    ...normalizeInput(fs.readFileSync(resolveInput(input)), input, {
      receivedTime: RECEIVED,
      annotate: (alert, record) => annotateAlert(alert, detectRecord(detector, record, alert)),
    }),
  }));
  await ingestBatch(units, store, new MemoryTicketQueue(), undefined, () => RECEIVED);
  const views = store
    .views()
    .filter(
      (v) =>
        c.select === undefined ||
        v.alerts.some((a) =>
          [a.rule?.name, a.title, a.eventName, a.description, a.host.name].some(
            (t) => t?.toLowerCase().includes(c.select!.toLowerCase()) === true,
          ),
        ),
    )
    .sort((a, b) => b.severity - a.severity || a.incidentId.localeCompare(b.incidentId));
  const view = views[0];
  if (view === undefined) throw new Error(`case ${c.id}: no incident${c.select ? ` with "${c.select}"` : ''}`);
  const report = draftReport(view);
  return {
    view,
    priority: report.priority.level,
    rubric: view.priorityBasis?.rule,
    summary: report.summary,
    severity: view.severity,
    reasons: view.severityReasons,
  };
}
