import type { IncidentFacts } from './facts';
import { humanUsers } from './facts';
import { actor, PRODUCT_NAMES } from './display';
import { networkStatement } from './network-statement';
import type { PersistenceFact } from './persistence';
import type { RankedTechnique } from './summary-line';
import { whatHappened } from './summary-line';
import { baseName } from '../windows';
import { code, count, distinct, joinAnd, oneLine, rich } from './text';
import type { Coverage, Rich, Statement } from '../model/report';

/**
 * Two to four plain sentences for a manager: what happened, when, where and to whom; the key finding; whether a
 * connection was made; and, when the incident was sampled, how much of it the analysis covers. What to do now is the
 * header's last line, said once.
 */

/** `Registry Run Key Persistence` → `registry run key persistence`; acronyms and mixed case (DLL, PowerShell) stay. */
function sentenceCase(phrase: string): string {
  return phrase
    .split(' ')
    .map((w) => (/^[A-Z][a-z]+$/.test(w) ? w.toLowerCase() : w))
    .join(' ');
}

/**
 * Where and whose, in plain words: `FIN-WS-034, a Finance computer used by Jennifer Williams`. The exact account,
 * criticality and times are the header's; said once.
 */
function whereAndWho(f: IncidentFacts): Rich {
  const dept = f.asset?.department !== undefined ? oneLine(f.asset.department) : undefined;
  const others = f.hostCount > 1 ? ` and ${count(f.hostCount - 1, 'other host')}` : '';
  const users = humanUsers(f);
  const person = users[0]?.context?.name !== undefined ? oneLine(users[0].context.name) : undefined;
  const who =
    person !== undefined
      ? ` used by ${person}`
      : users.length > 0
        ? rich(' under the account ', code(users[0].key))
        : f.users.length > 0
          ? rich(' running as ', code(f.users[0].key))
          : '';
  return rich(f.hostDisplay, others, dept !== undefined ? rich(`, a ${dept} computer`, who) : rich(who));
}

/** The persistence in plain words; where its payload came from is the root cause's to say, with times, once. */
function persistenceSentence(p: PersistenceFact): Rich {
  const writer = rich(actor(p.alert.process));
  switch (p.kind) {
    case 'run-key': {
      const when =
        p.scope === 'machine'
          ? 'at the next logon of any user'
          : p.scope === 'user'
            ? "at the user's next logon"
            : 'at the next logon';
      // Plain words: which file will start and when; the key, value data and export are in the attack chain.
      const target = p.payload !== undefined ? code(baseName(p.payload)) : code(p.data ?? p.valueName);
      return rich(writer, ' registered ', target, ` to start automatically ${when} (Run key)`, '.');
    }
    case 'startup-folder':
      return rich(writer, ' placed ', code(p.path), " in a Startup folder, so it runs at the user's next logon", '.');
    case 'scheduled-task':
      return rich(
        writer,
        ' registered the scheduled task ',
        code(p.name),
        p.action !== undefined ? rich(' running ', code(p.action)) : '',
        '.',
      );
    case 'service':
      return rich(
        writer,
        ' installed the service ',
        code(p.name),
        p.path !== undefined ? rich(' running ', code(p.path)) : '',
        '.',
      );
    case 'wmi-subscription':
      return rich(
        writer,
        ' created a WMI event subscription',
        p.consumer !== undefined ? rich(' with consumer ', code(p.consumer)) : '',
        ' that runs code when its event fires',
        '.',
      );
  }
}

function keyFinding(f: IncidentFacts): Rich {
  if (f.persistence.length > 0) return persistenceSentence(f.persistence[0]);
  if (f.lsass.length > 0) {
    const l = f.lsass[0];
    return rich(
      actor(l.proc ?? l.alert.process),
      ' opened the memory of ',
      code('lsass.exe'),
      l.access !== undefined ? rich(' (access ', code(l.access), ')') : '',
      ', which exposes the credentials of accounts logged on to ',
      f.hostDisplay,
      '.',
    );
  }
  const worst = [...f.alerts].sort((a, b) => b.enrichment.severity.score - a.enrichment.severity.score)[0];
  if (worst?.process !== undefined) {
    const parent = worst.process.parent;
    return rich(
      'The activity came from ',
      actor(worst.process),
      parent !== undefined ? rich(', started by ', actor(parent)) : '',
      '.',
    );
  }
  const label = worst?.rule?.name ?? worst?.title;
  return label !== undefined
    ? rich(
        'The detection was ',
        code(oneLine(label)),
        ` from ${worst !== undefined ? PRODUCT_NAMES[worst.source.product] : 'the source'}.`,
      )
    : rich('The alerts do not say which process was involved.');
}

export function executiveSummary(f: IncidentFacts, top: RankedTechnique | undefined, coverage: Coverage): Statement[] {
  const sources = joinAnd(distinct(f.alerts.map((a) => PRODUCT_NAMES[a.source.product] ?? a.source.product)));
  const what = sentenceCase(whatHappened(f, top));
  const out: Statement[] = [
    {
      basis: 'observed',
      text: rich(`${sources === '' ? 'The sources' : sources} recorded ${what} on `, whereAndWho(f), '.'),
    },
    { basis: 'observed', text: keyFinding(f) },
    networkStatement(f, true),
  ];
  if (coverage.analysed < coverage.total) {
    out.push({
      basis: 'observed',
      text: rich(
        `This analysis covers a sample of ${coverage.analysed.toLocaleString('en-US')} of ${count(coverage.total, 'alert')} in the incident.`,
      ),
    });
  }
  return out;
}
