import type { IncidentFacts } from './facts';
import { exposureStatement } from './network-statement';
import { assetRole, servesOthers } from './case-profile';
import { oneLine, rich } from './text';
import type { Statement } from '../model/report';

/** Business impact: data exposure stated as observed or unknown, what the persistence and LSASS access mean, the cost of isolation. */
export function businessImpact(f: IncidentFacts, isolate: boolean): Statement[] {
  const out: Statement[] = [];
  // The asset and the accounts are the header's (where, who): said once. Impact is what follows from them.
  const a = f.asset;
  out.push(exposureStatement(f));
  if (f.persistence.length > 0) {
    out.push({
      basis: 'inferred',
      text: rich('A reboot does not end the compromise: the persistence survives it until removed.'),
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
  // A server's isolation stops what it serves for everyone: an impact to plan. A workstation's stops one person's
  // work, which the isolation step itself makes plain.
  if (isolate && servesOthers(assetRole(f).role)) {
    out.push({
      basis: 'inferred',
      text: rich(
        `Isolating ${f.hostDisplay} stops the services it provides until it is cleaned`,
        a?.department !== undefined ? `; plan it with ${oneLine(a.department)}.` : '.',
      ),
    });
  }
  return out;
}
