import type { Rich } from '../model/report';
import type { IncidentFacts } from './facts';
import type { AutostartValue } from './autostart-values';
import { alternateStream } from './autostart-values';
import type { CredentialFile } from './credential-material';
import type { LookAlike } from '../enrich/look-alike';
import { isSystemImage } from './process-graph';
import { knownImage } from './display';
import { LOLBINS, OFFICE_APPS, POWERSHELL, SHELLS, baseKey, baseName, isInstalledLocation } from '../windows';
import { code, distinct, rich } from './text';

/**
 * Detection follow-ups: the alerts a SOC adds so the next attempt is caught sooner, as the reference report's
 * "created alert for any Run key modifications by non-system processes". Each is proposed only when this incident
 * did the thing it detects, and names what it would have caught here.
 */

/** Most follow-ups in a ticket: one line each. */
export const MAX_FOLLOW_UPS = 3;

interface FollowUp {
  key: string;
  text: Rich;
}

/** The image that wrote a persistence entry, when it is not a Windows service host (those write them legitimately). */
function nonSystemWriter(image: string | undefined): string | undefined {
  const known = knownImage(image);
  return known !== undefined && !isSystemImage(known) && baseKey(known) !== 'services.exe' ? known : undefined;
}

function persistenceFollowUps(f: IncidentFacts, extra: readonly AutostartValue[]): FollowUp[] {
  const out: FollowUp[] = [];
  for (const p of f.persistence) {
    const writer = nonSystemWriter(p.alert.process?.image);
    const by = writer !== undefined ? rich(' (here ', code(baseName(writer)), ')') : '';
    switch (p.kind) {
      case 'run-key':
        if (writer !== undefined)
          out.push({ key: 'run', text: rich('Alert on Run-key writes by non-system processes', by, '.') });
        break;
      case 'startup-folder':
        out.push({ key: 'startup', text: rich('Alert on files written to Startup folders', by, '.') });
        break;
      case 'scheduled-task': {
        const stream = p.payload !== undefined && alternateStream(p.payload) !== undefined;
        out.push({
          key: 'task',
          text: stream
            ? rich('Alert on scheduled tasks whose action reads an alternate data stream (here ', code(p.name), ').')
            : rich('Alert on scheduled tasks created by shells or scripts', by, '.'),
        });
        break;
      }
      case 'service':
        out.push({
          key: 'service',
          text: rich('Alert on services installed with a binary outside Windows and Program Files.'),
        });
        break;
      case 'wmi-subscription':
        out.push({
          key: 'wmi',
          text: rich('Alert on WMI event consumers created outside change windows (Sysmon 19–21).'),
        });
        break;
    }
  }
  for (const v of extra) {
    if (v.technique === 'T1037.001')
      out.push({
        key: 'logon-script',
        text: rich('Alert on writes of ', code('UserInitMprLogonScript'), ' (logon scripts per user).'),
      });
    else if (v.technique === 'T1547.004')
      out.push({ key: 'winlogon', text: rich('Alert on changes to Winlogon ', code(v.valueName), '.') });
    else if (v.technique === 'T1547.001')
      out.push({ key: 'run', text: rich('Alert on Run-key writes by non-system processes.') });
  }
  return out;
}

/** A LOLBin asked to load code from outside Windows and Program Files (rundll32 with a DLL in ProgramData). */
function lolbinFollowUp(f: IncidentFacts): FollowUp | undefined {
  for (const p of f.persistence) {
    if (p.kind !== 'run-key' || p.program === undefined || p.payload === undefined) continue;
    const lolbin = baseKey(p.program);
    if (LOLBINS.has(lolbin) && !isInstalledLocation(p.payload)) {
      return {
        key: 'lolbin',
        text: rich('Alert on ', code(lolbin), ' loading code from ProgramData or user profiles.'),
      };
    }
  }
  return undefined;
}

/**
 * The follow-ups this incident supports, at most `MAX_FOLLOW_UPS`, most specific first.
 *
 * @example
 * detectionFollowUps(facts, [], [], []).map(plain)
 * // ['Alert on Run-key writes by non-system processes (here powershell.exe).', …]
 */
export function detectionFollowUps(
  f: IncidentFacts,
  extra: readonly AutostartValue[],
  credentials: readonly CredentialFile[],
  lookAlikes: readonly LookAlike[],
): Rich[] {
  const out: FollowUp[] = [];
  if (f.lsass.length > 0) {
    out.push({
      key: 'lsass',
      text: rich(
        'Alert on any process other than the EDR opening ',
        code('lsass.exe'),
        ' with read access (Sysmon 10).',
      ),
    });
  }
  if (credentials.some((c) => c.kind === 'lsass-dump'))
    out.push({ key: 'dump', text: rich('Alert on memory-dump files (.dmp) written by non-system processes.') });
  out.push(...persistenceFollowUps(f, extra));
  const lolbin = lolbinFollowUp(f);
  if (lolbin !== undefined) out.push(lolbin);
  const office = [...f.graph.procs.values()].some((p) => {
    const parent = p.parentKey !== undefined ? f.graph.procs.get(p.parentKey) : undefined;
    return (
      p.image !== undefined &&
      SHELLS.has(baseKey(p.image)) &&
      parent?.image !== undefined &&
      OFFICE_APPS.has(baseKey(parent.image))
    );
  });
  if (office) out.push({ key: 'office', text: rich('Alert on Office applications starting shells or script hosts.') });
  const hiddenPs = f.alerts.some(
    (a) =>
      a.process?.image !== undefined &&
      POWERSHELL.has(baseKey(a.process.image)) &&
      a.enrichment.heuristics.some((h) => h.id === 'powershell-evasion'),
  );
  if (hiddenPs)
    out.push({
      key: 'powershell',
      text: rich('Alert on hidden or encoded PowerShell and keep script-block logging on.'),
    });
  // The generic one last: a specific rule above catches this incident's own names already.
  if (lookAlikes.length > 0) {
    out.push({
      key: 'look-alike',
      text: rich(
        'Alert on tasks, services, Run values and files named like Windows or Microsoft components outside their folders.',
      ),
    });
  }
  if (!f.networkCapable) {
    out.push({
      key: 'network',
      text: rich(
        'Collect network connections from ',
        f.hostDisplay,
        ' (Sysmon 3 or EDR): these events cannot show one.',
      ),
    });
  }
  return distinct(out, (x) => x.key)
    .slice(0, MAX_FOLLOW_UPS)
    .map((x) => x.text);
}
