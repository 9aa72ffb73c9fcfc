import fc from 'fast-check';
import { draftReport } from '../../../lambdas/core/draft';
import { isCommandSafeName } from '../../../lambdas/core/draft/commands';
import { plain } from '../../../lambdas/core/draft/text';
import type { EnrichedAlert } from '../../../lambdas/core/model/enrichment';
import type { IncidentReport } from '../../../lambdas/core/model/report';
import { incidentOf, sysmonAlert } from './factories';

/**
 * Remediation commands are pasted by analysts. A service or task name is the intruder's text: it must never reach a
 * suggested command where a shell would interpret it (`x" & net user backdoor P@ss /add & "` runs when pasted).
 */

const HOST = { name: 'HR-LT-007.corp.example.com' };
const E = { hostKey: 'hr-lt-007', severity: { score: 75, reasons: [] } };
const INJECTION = 'Updater" & net user backdoor P@ssw0rd! /add & "';

function service(name: string): EnrichedAlert {
  return sysmonAlert(
    {
      alertId: `svc:${name.length}`,
      eventTime: '2024-03-01T09:00:00.000Z',
      eventType: 'service_install',
      eventCode: 7045,
      host: HOST,
      service: { name, path: 'C:\\ProgramData\\svc\\helper.exe -k' },
    },
    E,
  );
}

function task(name: string): EnrichedAlert {
  return sysmonAlert(
    {
      alertId: `task:${name.length}`,
      eventTime: '2024-03-01T09:01:00.000Z',
      eventType: 'scheduled_task_create',
      eventCode: 4698,
      host: HOST,
      task: { name, action: 'C:\\Users\\Public\\sync.exe' },
    },
    E,
  );
}

const draft = (alerts: EnrichedAlert[]): IncidentReport => draftReport(incidentOf('inc-injection', alerts));
/** The code spans of the remediation steps: what an analyst copies. */
const commands = (r: IncidentReport): string[] =>
  r.remediation.flatMap((s) => s.text.filter((x) => x.code === true).map((x) => x.text));

describe('remediation commands never carry attacker text unescaped', () => {
  it.each([
    ['service', service(INJECTION)],
    ['scheduled task', task(`\\${INJECTION}`)],
  ])('gives no command for a %s whose name holds shell metacharacters, and shows the name apart', (_kind, alert) => {
    const r = draft([alert]);
    const pasted = commands(r).filter((c) => /^(sc\.exe|schtasks)\b/i.test(c));
    expect(pasted).toEqual([]);
    const step = r.remediation.map((s) => plain(s.text)).find((t) => t.includes('net user backdoor'))!;
    expect(step).toMatch(/no command is given/);
    // The name itself is a code span of its own, never part of a command.
    expect(commands(r).filter((c) => c.endsWith(INJECTION))).not.toHaveLength(0);
  });

  it('keeps the commands for ordinary names', () => {
    const r = draft([service('WinDefendHelper'), task('\\OneDrive Sync Helper')]);
    expect(commands(r)).toEqual(
      expect.arrayContaining([
        'sc.exe stop "WinDefendHelper"',
        'sc.exe delete "WinDefendHelper"',
        'schtasks /Delete /TN "\\OneDrive Sync Helper" /F',
      ]),
    );
  });

  it.each([
    '"',
    '\u201c',
    '\u2018',
    "'",
    '&',
    '|',
    '<',
    '>',
    '^',
    '%PATH%',
    '!x!',
    '$(calc)',
    '`n',
    ';calc',
    '\n',
    '\u200b',
  ])('refuses %j in a name', (bad) => {
    expect(isCommandSafeName(`Name${bad}`)).toBe(false);
  });

  it('puts no character a shell interprets into any command, whatever the name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        fc.pre(name.trim() !== '');
        for (const c of commands(draft([service(name)]))) {
          if (!/^sc\.exe /.test(c)) continue;
          const inner = /^sc\.exe (?:stop|delete) "(.*)"$/s.exec(c)?.[1];
          expect(inner).toBeDefined();
          expect(inner).not.toMatch(/["'`$%!^&|<>;\u2018-\u201f\r\n]/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
