import type { IncidentView } from '../model/incident';
import { attackMapping } from './attack-mapping';
import { businessImpact } from './business-impact';
import { detectionRows } from './detections';
import { executiveSummary } from './executive-summary';
import { gatherFacts } from './facts';
import { headerLines } from './header';
import { iocRows } from './iocs';
import { labelsFor } from './labels';
import type { DraftLimits } from './limits';
import { DEFAULT_LIMITS } from './limits';
import { caseSections } from './playbook';
import type { PriorityConfig } from './priority';
import { DEFAULT_PRIORITY, priorityFor } from './priority';
import { rawEvidence } from './raw-evidence';
import { rootCause } from './root-cause';
import { rankTechniques, summaryLine } from './summary-line';
import { technicalAnalysis } from './technical-analysis';
import { localTimeLines, timeline } from './timeline';
import { vendorFindingLines } from './vendor-findings';
import { jiraSummary, sentence } from './text';
import type { Coverage, IncidentReport, Statement } from '../model/report';

export interface DraftConfig {
  /** Severity thresholds and the site's Jira priority names. */
  priority?: PriorityConfig;
  /** Size caps on the model (the renderers shrink further to fit Jira). */
  limits?: Partial<DraftLimits>;
}

/**
 * Draft the incident report an analyst would write, from the incident and its (possibly sampled) alerts.
 * Pure and deterministic: the same view gives a deep-equal report.
 *
 * @example
 * const report = draftReport(incident);
 * report.summary; // 'T1547.001 – Registry Run Key Persistence via rundll32 DLL on FIN-WS-034'
 */
export function draftReport(incident: IncidentView, cfg: DraftConfig = {}): IncidentReport {
  const limits: DraftLimits = { ...DEFAULT_LIMITS, ...cfg.limits };
  const f = gatherFacts(incident);
  const ranked = rankTechniques(f);
  const top = ranked[0];
  const coverage: Coverage = {
    analysed: incident.alerts.length,
    total: Math.max(incident.alertCount, incident.alerts.length),
    duplicates: incident.duplicates,
  };
  const priority = priorityFor(
    incident.severity,
    f.criticality,
    cfg.priority ?? DEFAULT_PRIORITY,
    incident.priorityBasis,
  );
  const sections = caseSections(f);
  const remediation = sections.remediation;
  const isolate = remediation.some((s) => s.family === 'isolate-host');
  const tl = timeline(f, limits);
  const iocs = iocRows(f, limits);
  const raw = rawEvidence(f.alerts, limits);
  const detections = detectionRows(f.alerts);
  const report: IncidentReport = {
    incidentId: incident.incidentId,
    header: headerLines(f, top, priority, coverage, isolate),
    summary: jiraSummary(summaryLine(f, top)),
    severity: incident.severity,
    priority,
    labels: labelsFor(
      incident,
      ranked.map((t) => t.info),
    ),
    coverage,
    executiveSummary: executiveSummary(f, coverage),
    technicalAnalysis: technicalAnalysis(f, limits),
    timeline: tl.entries,
    timelineOmitted: tl.omitted,
    iocs: iocs.rows,
    iocsOmitted: iocs.omitted,
    attack: attackMapping(f, ranked),
    detections: detections.rows,
    detectionsOmitted: detections.omitted,
    rootCause: rootCause(f),
    businessImpact: businessImpact(f, isolate),
    remediation,
    nextQueries: sections.nextQueries,
    contributingFactors: sections.contributingFactors,
    detectionFollowUps: sections.detectionFollowUps,
    lookAlikes: sections.lookAlikes,
    vendorFindings: vendorFindingLines(f),
    localTimeEvents: localTimeLines(f, limits).entries,
    backgroundEvents: f.background?.length ?? 0,
    rawEvidence: raw.records,
    rawEvidenceOmitted: raw.omitted + Math.max(0, coverage.total - coverage.analysed),
  };
  if (top !== undefined) report.primaryTechnique = top.info.id;
  // Sentences may open with an actor description (`an unnamed process`): capitalise them once here.
  const asSentences = (xs: Statement[]): Statement[] => xs.map((x) => ({ ...x, text: sentence(x.text) }));
  report.executiveSummary = asSentences(report.executiveSummary);
  report.rootCause.statements = asSentences(report.rootCause.statements);
  report.businessImpact = asSentences(report.businessImpact);
  return report;
}
