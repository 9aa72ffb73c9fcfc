import { readInputs } from '../../cli/inputs';
import { runInMemory } from '../../cli/memory-pipeline';
import { draftReport } from '../../lambdas/core/draft';
import { MAX_LABELS } from '../../lambdas/core/draft/labels';
import { defang, ipVersion, isPopularService } from '../../lambdas/core/enrich';
import type { EnrichedAlert } from '../../lambdas/core/model/enrichment';
import { emptyContext } from '../../lambdas/core/model/enrichment';
import type { IncidentReport } from '../../lambdas/core/model/report';
import { renderAdf, renderMarkdown } from '../../lambdas/core/render';
import { allRealFixtures, realFixture } from '../helpers/real-fixtures';

/**
 * IOC hygiene and label count over every incident the real corpus gives, with the expectations computed from the
 * raw events themselves: the hashes of the modules Microsoft signed (Sysmon 7, `Signed: true`) and the well-known
 * services the events name.
 */

/** Hashes of Sysmon 7 loads of modules signed by Microsoft with a valid (or unstated) status. */
function microsoftModuleHashes(alerts: EnrichedAlert[]): Set<string> {
  const out = new Set<string>();
  for (const a of alerts) {
    const m = a.module;
    if (a.source.product !== 'sysmon' || a.eventCode !== 7 || m === undefined || m.signed !== true) continue;
    if (!/^microsoft (windows|corporation)/i.test(m.signature ?? '')) continue;
    if (m.signatureStatus !== undefined && m.signatureStatus.toLowerCase() !== 'valid') continue;
    // All zeros is a placeholder for "not hashed", no module's identity.
    for (const h of Object.values(m.hashes ?? {}))
      if (/^[0-9a-f]{32,64}$/i.test(h) && !/^0+$/.test(h)) out.add(h.toLowerCase());
  }
  return out;
}

/** Every domain and address the events name that belongs to a well-known service, defanged as tickets show it. */
function popularServices(alerts: EnrichedAlert[]): Set<string> {
  const names = alerts.flatMap((a) => [
    a.network?.dstIp,
    a.network?.dstHostname,
    a.dns?.query,
    ...(a.dns?.results ?? []),
    ...a.enrichment.iocs.filter((i) => ['ipv4', 'ipv6', 'domain'].includes(i.type)).map((i) => i.value),
  ]);
  const out = new Set<string>();
  for (const n of names) {
    const v = n
      ?.trim()
      .replace(/\.$/, '')
      .replace(/^::ffff:/i, '');
    if (v === undefined || v === '' || !isPopularService(v)) continue;
    out.add(defang(ipVersion(v) === 4 ? 'ipv4' : ipVersion(v) === 6 ? 'ipv6' : 'domain', v).toLowerCase());
  }
  return out;
}

describe('tickets drafted from the real corpus', () => {
  let reports: { report: IncidentReport; text: string }[] = [];
  let alerts: EnrichedAlert[] = [];

  beforeAll(async () => {
    const run = await runInMemory(await readInputs(allRealFixtures().map(realFixture)), emptyContext());
    alerts = run.views.flatMap((v) => v.alerts);
    reports = run.views.map((v) => {
      const report = draftReport(v);
      // The raw records are the events as received (evidence, headed for an attachment), not advice: the rest of the
      // ticket is what an analyst lists, hunts and blocks from.
      const advice = { ...report, rawEvidence: [], rawEvidenceOmitted: 0 };
      return { report, text: `${renderMarkdown(advice)}\n${JSON.stringify(renderAdf(advice))}`.toLowerCase() };
    });
  });

  it('never lists, hunts or blocks the hash of a module Microsoft signed', () => {
    const hashes = microsoftModuleHashes(alerts);
    // The corpus has such loads (mavinject's DLLs): without them the test would prove nothing.
    expect(hashes.size).toBeGreaterThan(0);
    const found = reports.flatMap(({ report, text }) =>
      [...hashes].filter((h) => text.includes(h)).map((h) => `${report.incidentId}: ${h}`),
    );
    expect(found).toEqual([]);
  });

  it('never advises blocking a well-known service', () => {
    const popular = popularServices(alerts);
    expect(popular.size).toBeGreaterThan(0);
    const found = reports.flatMap(({ report, text }) =>
      // Markdown lines, and ADF text nodes (one remediation step each).
      text
        .split(/\n|"text":"/)
        .filter((l) => /\bblock\b/.test(l) && [...popular].some((p) => l.includes(p)))
        .map((l) => `${report.incidentId}: ${l}`),
    );
    expect(found).toEqual([]);
  });

  it(`gives every ticket at most ${MAX_LABELS} labels, the incident label among them`, () => {
    expect(reports.length).toBeGreaterThan(10);
    for (const { report } of reports) {
      expect(report.labels.length).toBeLessThanOrEqual(MAX_LABELS);
      expect(report.labels.some((l) => l.startsWith('a2t-'))).toBe(true);
    }
  });
});
