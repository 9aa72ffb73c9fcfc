import type { IncidentFacts } from './facts';
import { humanUsers, userContextText } from './facts';
import { exposureStatement } from './network-statement';
import { code, oneLine, rich } from './text';
import type { Statement } from '../model/report';

/** Business impact from asset and user context, and data exposure stated as observed or unknown. */
export function businessImpact(f: IncidentFacts, isolate: boolean): Statement[] {
  const out: Statement[] = [];
  const a = f.asset;
  if (a !== undefined && (a.department !== undefined || a.criticality !== undefined || a.owner !== undefined)) {
    out.push({
      basis: 'observed',
      text: rich(
        f.hostDisplay,
        ' is ',
        a.criticality !== undefined ? `a ${a.criticality}-criticality asset` : 'an asset',
        a.department !== undefined ? ` of the ${oneLine(a.department)} department` : '',
        a.owner !== undefined ? `, owned by ${oneLine(a.owner)}` : '',
        ' (asset context).',
      ),
    });
  } else {
    out.push({
      basis: 'unknown',
      text: rich('Asset context unknown — import it with ', code('a2t context import'), '.'),
    });
  }
  for (const u of humanUsers(f).slice(0, 3)) {
    const ctx = userContextText(u);
    out.push(
      ctx !== undefined
        ? { basis: 'observed', text: rich('The account ', code(u.display), ` belongs to ${ctx} (user context).`) }
        : {
            basis: 'unknown',
            text: rich(
              'User context for ',
              code(u.display),
              ' unknown — import it with ',
              code('a2t context import'),
              '.',
            ),
          },
    );
  }
  out.push(exposureStatement(f));
  if (f.persistence.length > 0) {
    out.push({
      basis: 'inferred',
      text: rich(
        `Until it is removed, the persistence on ${f.hostDisplay} runs its payload again at every logon or trigger, so a reboot does not end the compromise.`,
      ),
    });
  }
  if (f.lsass.length > 0) {
    out.push({
      basis: 'inferred',
      text: rich(
        `The credentials of every account that logged on to ${f.hostDisplay} must be treated as exposed: LSASS memory was read.`,
      ),
    });
  }
  if (isolate) {
    out.push({
      basis: 'inferred',
      text: rich(
        `Isolating ${f.hostDisplay} stops its user's work until it is cleaned`,
        a?.department !== undefined ? `; plan it with the ${oneLine(a.department)} department.` : '.',
      ),
    });
  }
  return out;
}
