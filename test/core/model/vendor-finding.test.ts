import * as fs from 'node:fs';
import { normalizeInput } from '../../../lambdas/core/formats';
import { consoleLinkOf, vendorFinding } from '../../../lambdas/core/model/products';
import { makeAlert } from '../../helpers/alerts';
import { realFixture } from '../../helpers/real-fixtures';

/** Each vendor's console link and disposition survive to the incident facts (the analyst's one-click pivot). */

const alertsOf = (rel: string) => normalizeInput(fs.readFileSync(realFixture(rel)), rel).alerts;

describe('vendor findings', () => {
  it('keeps Falcon’s console link and its blocked disposition', () => {
    const [a] = alertsOf('elastic-integrations-crowdstrike/test-falcon-detection-summary.log');
    expect(vendorFinding(a)).toMatchObject({
      product: 'crowdstrike',
      productName: 'CrowdStrike Falcon',
      consoleLink: 'https://falcon.crowdstrike.com/activity/detections/detail/REFERENCE?_cid=CID',
      disposition: 'blocked',
    });
  });

  it('reads the link where each format keeps it (Alerts API v2, Graph alerts)', () => {
    const [cs] = alertsOf('elastic-integrations-crowdstrike/test-alert.log');
    expect(consoleLinkOf(cs)).toMatch(/^https:\/\/falcon\.[a-z0-9.-]*crowdstrike\.com\//);
    const [graph] = alertsOf('elastic-integrations-m365-defender/test-alert.log');
    expect(consoleLinkOf(graph)).toMatch(/^https:\/\/security\.microsoft\.com\/alerts\//);
  });

  it('says detected when the vendor neither blocked nor cleared it', () => {
    const a = makeAlert({ source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' }, raw: {} });
    expect(vendorFinding(a)?.disposition).toBe('detected');
    expect(vendorFinding({ ...a, flags: ['vendor-benign'] })?.disposition).toBe('benign');
  });

  it('carries no link that is not an https URL', () => {
    const a = (falcon_host_link: unknown) =>
      makeAlert({ source: { product: 'crowdstrike', format: 'crowdstrike-alerts-v2' }, raw: { falcon_host_link } });
    expect(consoleLinkOf(a('javascript:alert(1)'))).toBeUndefined();
    expect(consoleLinkOf(a('http://falcon.crowdstrike.com/x'))).toBeUndefined();
    expect(consoleLinkOf(a(42))).toBeUndefined();
    expect(consoleLinkOf(a(`https://falcon.crowdstrike.com/${'x'.repeat(3000)}`))).toBeUndefined();
  });

  it('makes no vendor finding of raw telemetry', () => {
    expect(vendorFinding(makeAlert())).toBeUndefined();
  });
});
