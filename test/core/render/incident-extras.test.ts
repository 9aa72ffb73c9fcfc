import { draftReport } from '../../../lambdas/core/draft';
import type { IncidentReport } from '../../../lambdas/core/model/report';
import { renderAdf, renderMarkdown, validateAdf } from '../../../lambdas/core/render';
import { descriptionText } from '../../../lambdas/core/render/adf-text';
import { runKeyIncident } from '../draft/factories';
import { nodes, paragraphs } from './helpers';

/**
 * Vendor findings, events on a local clock with no known offset, and background telemetry, as both renderers lay them
 * out: compact, values as literals, nothing live.
 */

const LINK = 'hxxps://falcon[.]crowdstrike[.]com/activity/detections/detail/abc/123';

function withExtras(): IncidentReport {
  const report = draftReport(runKeyIncident());
  return {
    ...report,
    vendorFindings: [
      { product: 'CrowdStrike Falcon', title: 'Registry persistence', consoleLink: LINK, disposition: 'blocked' },
      { product: 'Microsoft Defender for Endpoint', disposition: 'detected' },
    ],
    localTimeEvents: [
      {
        time: '2024-02-15 16:24:12',
        text: [{ text: 'Security 4688: ' }, { text: 'scanner.exe', code: true }, { text: ' started' }],
        ref: 'Security 4688 #77',
        count: 1,
      },
    ],
    backgroundEvents: 1,
  };
}

describe('renderAdf: vendor findings, local times and background', () => {
  const adf = renderAdf(withExtras());
  const text = descriptionText(adf);
  const paras = paragraphs(adf);

  it('stays valid ADF', () => {
    expect(validateAdf(adf)).toEqual({ valid: true });
  });

  it('gives each vendor finding one line with its disposition and its link as a code value, never a link mark', () => {
    expect(paras).toContain(`CrowdStrike Falcon, blocked: Registry persistence · console ${LINK}`);
    expect(paras).toContain('Microsoft Defender for Endpoint, detected');
    const linkNode = nodes(adf).find((n) => n.type === 'text' && n.text === LINK);
    expect(linkNode).toMatchObject({ marks: [{ type: 'code' }] });
    expect(JSON.stringify(adf)).not.toMatch(/"type":"link"/);
  });

  it('lists local-time events apart from the UTC timeline, labelled, in their own clock', () => {
    const label = text.indexOf('Local time, offset unknown (not on the UTC timeline)');
    expect(label).toBeGreaterThan(text.indexOf('Timeline (UTC'));
    expect(label).toBeLessThan(text.indexOf('Indicators of compromise'));
    expect(paras).toContain('2024-02-15 16:24:12 — Security 4688: scanner.exe started [Security 4688 #77]');
  });

  it('counts background in one line', () => {
    expect(paras).toContain('1 background event of the host, not part of the attack.');
  });

  it('adds none of it when the report has none', () => {
    const plain = descriptionText(renderAdf(draftReport(runKeyIncident())));
    expect(plain).not.toMatch(/Vendor findings|Local time, offset unknown|background event/);
  });
});

describe('renderMarkdown: the same, and where the raw events are', () => {
  it('renders the three the way the ADF does', () => {
    const md = renderMarkdown(withExtras());
    expect(md).toContain(`- CrowdStrike Falcon, blocked: \`Registry persistence\` · console \`${LINK}\``);
    expect(md).toContain('**Local time, offset unknown (not on the UTC timeline)**');
    expect(md).toContain('- **2024-02-15 16:24:12** — Security 4688: `scanner.exe` started \\[Security 4688 \\#77\\]');
    expect(md).toContain('1 background event of the host, not part of the attack.');
  });

  it('says once where the raw events are: the attachment, or the file written beside the Markdown', () => {
    const report = draftReport(runKeyIncident());
    const ticket = renderMarkdown(report);
    expect(ticket.match(/Raw events/g)).toHaveLength(1);
    expect(ticket).toContain("Raw events: 4 records, attached under the timeline's references.");
    const out = renderMarkdown(report, { rawEventsFile: 'SEC-12-raw-events.json' });
    expect(out.match(/[Rr]aw events/g)).toHaveLength(1);
    expect(out).toContain(
      "Raw events: 4 records in `SEC-12-raw-events.json`, beside this file, under the timeline's references.",
    );
  });
});
