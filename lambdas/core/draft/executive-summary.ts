import type { IncidentFacts } from './facts';
import { actor, PRODUCT_NAMES } from './display';
import { networkStatement } from './network-statement';
import type { PersistenceFact } from './persistence';
import { baseName } from '../windows';
import { code, count, oneLine, rich } from './text';
import type { Coverage, Rich, Statement } from '../model/report';

/**
 * Two or three plain sentences for a manager: the key finding in words, whether a connection was made and, when the
 * incident was sampled, how much of it the analysis covers. What happened where and to whom are the header's what,
 * where and who lines, and what to do now its last: said once, there.
 */

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
      // Who set it is the header's what line: here, what it means.
      return rich(target, ` will start ${when} (Run key)`, '.');
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

export function executiveSummary(f: IncidentFacts, coverage: Coverage): Statement[] {
  // What was recorded, where and whose computer it is are the header's what, where and who lines: said once, there.
  const out: Statement[] = [
    { basis: 'observed', text: keyFinding(f) },
    // A connection is a finding; none is the impact section's data-exposure line, said there once.
    ...(f.connections.length > 0 ? [networkStatement(f, true)] : []),
  ];
  // A forged "duplicate" meant to hide the real event as a repeat is kept apart, not dropped: the reader is told.
  const conflicts = f.incident.conflicts ?? 0;
  if (conflicts > 0) {
    out.push({
      basis: 'observed',
      text: rich(
        `${count(conflicts, 'alert')} reused the record id of a different earlier event (a source update, or a forged event meant to hide the original as a duplicate): both are kept and analysed.`,
      ),
    });
  }
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
