import { draftReport } from '../../../lambdas/core/draft';
import type { IncidentSnapshot } from '../../../lambdas/core/render';
import {
  diffIncident,
  isEmptyDelta,
  renderReopenComment,
  renderUpdateComment,
  snapshotOf,
  validateAdf,
} from '../../../lambdas/core/render';
import { runKeyIncident } from '../draft/factories';
import { paragraphs, RENDER_FAULTS, texts } from './helpers';

const prev: IncidentSnapshot = {
  alertCount: 4,
  hosts: ['fin-ws-034'],
  users: ['jwilliams'],
  techniques: ['T1547.001', 'T1059.001'],
  iocs: [
    {
      type: 'file',
      value: 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll',
      defanged: 'C:\\ProgramData\\Microsoft\\Drivers\\security.dll',
    },
  ],
  severity: 80,
  priority: 'P2',
};

const next: IncidentSnapshot = {
  alertCount: 7,
  hosts: ['FIN-WS-034', 'fin-ws-035'],
  users: ['JWilliams', 'svc-backup'],
  techniques: ['T1547.001', 'T1059.001', 'T1071.001'],
  iocs: [
    {
      type: 'file',
      value: 'c:\\programdata\\microsoft\\drivers\\SECURITY.DLL',
      defanged: 'c:\\programdata\\microsoft\\drivers\\SECURITY.DLL',
    },
    { type: 'ipv4', value: '194.165.16.89', defanged: '194.165.16[.]89' },
  ],
  severity: 92,
  priority: 'P1',
};

describe('diffIncident', () => {
  it('reports only what is new, matching hosts, users and IOCs without regard to case', () => {
    expect(diffIncident(prev, next)).toEqual({
      newAlerts: 3,
      alertCount: 7,
      newHosts: ['fin-ws-035'],
      newUsers: ['svc-backup'],
      newTechniques: ['T1071.001'],
      newIocs: [{ type: 'ipv4', value: '194.165.16.89', defanged: '194.165.16[.]89' }],
      severity: { from: 80, to: 92 },
      priority: { from: 'P2', to: 'P1' },
    });
  });

  it('is empty when nothing changed', () => {
    const d = diffIncident(prev, prev);
    expect(isEmptyDelta(d)).toBe(true);
    expect(d.severity).toBeUndefined();
  });

  it('snapshots an incident with its priority level', () => {
    const incident = runKeyIncident();
    const snap = snapshotOf(incident, draftReport(incident).priority.level);
    expect(snap).toMatchObject({
      alertCount: 4,
      hosts: ['fin-ws-034'],
      users: ['jwilliams'],
      severity: 80,
      priority: 'P2',
    });
    expect(snap.iocs.map((i) => i.type)).toContain('registry');
  });
});

describe('update and reopen comments', () => {
  it('lists the new evidence in a valid ADF comment', () => {
    const adf = renderUpdateComment(prev, next);
    expect(validateAdf(adf)).toEqual({ valid: true });
    const paras = paragraphs(adf);
    expect(paras).toEqual(
      expect.arrayContaining([
        'New evidence since the last update.',
        '3 new alerts, 7 in total.',
        'Severity: raised from 80 to 92.',
        "Priority: P2 → P1 for the new severity (the ticket's priority is raised, never lowered).",
        'New hosts: FIN-WS-035',
        'New users: svc-backup',
        'New ATT&CK techniques: T1071.001',
        'IPv4: 194.165.16[.]89',
      ]),
    );
    expect(texts(adf).join(' ')).not.toContain('security.dll');
  });

  it('says so when there is nothing new', () => {
    const paras = paragraphs(renderUpdateComment(prev, prev));
    expect(paras).toEqual([
      'No new evidence since the last update.',
      'No new alerts; the incident has 4 in total.',
      'No new hosts, users, techniques or indicators.',
    ]);
  });

  it('puts the reason first in a reopen comment', () => {
    const adf = renderReopenComment(diffIncident(prev, next), 'new alerts 2 days after the ticket was resolved');
    expect(validateAdf(adf)).toEqual({ valid: true });
    expect(paragraphs(adf)[0]).toBe('Reopened: new alerts 2 days after the ticket was resolved');
  });

  it('stays small and inert with thousands of hostile new indicators', () => {
    const evil = Array.from({ length: 5000 }, (_, i) => ({
      type: 'url' as const,
      value: `http://e${i}.example/<script>`,
      defanged: `hxxp://e${i}[.]example/<script>${'x'.repeat(500)}`,
    }));
    const adf = renderUpdateComment(prev, { ...next, iocs: evil });
    const json = JSON.stringify(adf);
    expect(validateAdf(adf)).toEqual({ valid: true });
    expect(json.length).toBeLessThan(32767);
    expect(paragraphs(adf)).toContain('and 4980 more');
    expect(texts(adf).join('\n')).not.toMatch(RENDER_FAULTS);
  });
});
