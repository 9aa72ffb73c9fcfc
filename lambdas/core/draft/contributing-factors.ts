import type { Statement } from '../model/report';
import type { IncidentFacts } from './facts';
import type { CaseProfile } from './case-profile';
import { isSystemImage } from './process-graph';
import { OFFICE_APPS, SHELLS, baseKey, baseName, displayPath, isUserWritable } from '../windows';
import { userKey } from '../model/host';
import { code, rich } from './text';

/**
 * Contributing factors: what let the attack get as far as it did, as the reference reports list them ("no
 * application control blocking unapproved software", "user had local admin rights"). Each factor is stated only
 * when the events show its consequence (a program ran from a user-writable folder; a user's process ran with High
 * integrity), and is marked inferred: the events show what happened, not the policy that allowed it.
 */

/** Most factors in a ticket: one line each. */
export const MAX_FACTORS = 4;

/** A program started from a user-writable folder (Downloads, Temp, ProgramData, Public): what application control stops. */
function userWritableProgram(f: IncidentFacts): { image: string; folder: string } | undefined {
  for (const p of f.graph.procs.values()) {
    if (p.created === undefined || p.image === undefined || isSystemImage(p.image)) continue;
    if (!isUserWritable(p.image)) continue;
    const path = displayPath(p.image);
    return { image: baseName(path), folder: path.slice(0, Math.max(0, path.lastIndexOf('\\'))) };
  }
  return undefined;
}

/** A person's (not SYSTEM's, not a service's) process that ran with High integrity: administrative rights. */
function elevatedUser(f: IncidentFacts, profile: CaseProfile): string | undefined {
  if (profile.user === undefined || profile.account === 'system') return undefined;
  const key = profile.user.key;
  const elevated = [...f.graph.procs.values()].some(
    (p) =>
      p.image !== undefined &&
      !isSystemImage(p.image) &&
      p.user !== undefined &&
      userKey(p.user) === key &&
      /^high$/i.test(p.integrity?.trim() ?? ''),
  );
  return elevated ? key : undefined;
}

/** An Office application that started a shell or script host: macros (or DDE) were allowed to run. */
function officeChild(f: IncidentFacts): { office: string; child: string } | undefined {
  for (const p of f.graph.procs.values()) {
    if (p.image === undefined || !SHELLS.has(baseKey(p.image)) || p.parentKey === undefined) continue;
    const parent = f.graph.procs.get(p.parentKey);
    if (parent?.image !== undefined && OFFICE_APPS.has(baseKey(parent.image))) {
      return { office: baseName(parent.image), child: baseName(p.image) };
    }
  }
  return undefined;
}

/** An image the source reported as not signed, started in the incident. */
function unsignedProgram(f: IncidentFacts): string | undefined {
  const a = f.alerts.find(
    (x) => x.eventType === 'process_create' && x.process?.signed === false && x.process.image !== undefined,
  );
  return a?.process?.image !== undefined ? baseName(a.process.image) : undefined;
}

/**
 * The contributing factors the evidence supports, at most `MAX_FACTORS`, each one inferred line.
 *
 * @example
 * contributingFactors(facts, profile).map((s) => plain(s.text))
 * // ['No application control stopped scanner.exe running from C:\Users\jwilliams\Downloads.', …]
 */
export function contributingFactors(f: IncidentFacts, profile: CaseProfile): Statement[] {
  const out: Statement[] = [];
  const program = userWritableProgram(f);
  if (program !== undefined) {
    out.push({
      basis: 'inferred',
      text: rich('No application control: ', code(baseName(program.image)), ' ran from a user-writable folder.'),
    });
  }
  const unsigned = unsignedProgram(f);
  if (unsigned !== undefined && unsigned.toLowerCase() !== program?.image.toLowerCase()) {
    out.push({ basis: 'inferred', text: rich('Unsigned ', code(unsigned), ' was allowed to run.') });
  }
  const admin = elevatedUser(f, profile);
  if (admin !== undefined) {
    out.push({
      basis: 'inferred',
      text:
        profile.account === 'service'
          ? rich('The service account ', code(admin), ' has administrative rights on ', f.hostDisplay, '.')
          : rich(code(admin), ' has local administrator rights on ', f.hostDisplay, ' (High integrity).'),
    });
  }
  const office = officeChild(f);
  if (office !== undefined) {
    out.push({
      basis: 'inferred',
      text: rich(
        'Office macros or DDE were allowed to start programs: ',
        code(office.office),
        ' started ',
        code(office.child),
        '.',
      ),
    });
  }
  if (f.lsass.length > 0) {
    out.push({
      basis: 'inferred',
      text: rich(
        'LSASS on ',
        f.hostDisplay,
        ' was readable by a user-mode process: LSA protection (RunAsPPL) or Credential Guard was not in force.',
      ),
    });
  }
  return out.slice(0, MAX_FACTORS);
}
