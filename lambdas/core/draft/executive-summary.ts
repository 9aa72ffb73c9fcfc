import type { IncidentFacts } from './facts';
import { blockableDestinations, filesToRemove, humanUsers, userContextText } from './facts';
import { actor, PRODUCT_NAMES } from './display';
import { networkStatement } from './network-statement';
import type { PersistenceFact } from './persistence';
import type { RankedTechnique } from './summary-line';
import { whatHappened } from './summary-line';
import { baseName, samePath } from '../windows';
import { code, codeList, count, distinct, joinAnd, oneLine, rich, utc } from './text';
import type { Coverage, Rich, Statement } from '../model/report';

/**
 * Three to five plain sentences for a manager: what happened, when, where and to whom; the key finding; whether a
 * connection was made; what to do now; and, when the incident was sampled, how much of it the analysis covers.
 */

/** `Registry Run Key Persistence` → `registry run key persistence`; acronyms and mixed case (DLL, PowerShell) stay. */
function sentenceCase(phrase: string): string {
  return phrase
    .split(' ')
    .map((w) => (/^[A-Z][a-z]+$/.test(w) ? w.toLowerCase() : w))
    .join(' ');
}

function period(f: IncidentFacts): string {
  const a = utc(f.firstSeen);
  const b = utc(f.lastSeen);
  if (a === b) return `At ${a}`;
  return `Between ${a} and ${b.slice(0, 10) === a.slice(0, 10) ? b.slice(11) : b}`;
}

function whereAndWho(f: IncidentFacts): Rich {
  const asset = f.asset;
  const assetBits = [
    asset?.department !== undefined ? `${oneLine(asset.department)} department` : undefined,
    f.criticality !== undefined ? `${f.criticality} criticality` : undefined,
  ].filter((x): x is string => x !== undefined);
  const others = f.hostCount > 1 ? ` and ${count(f.hostCount - 1, 'other host')}` : '';
  const users = humanUsers(f);
  const who =
    users.length > 0
      ? rich(
          ', under the account ',
          code(users[0].display),
          userContextText(users[0]) !== undefined ? ` (${userContextText(users[0])})` : '',
          users.length > 1 ? ` and ${count(users.length - 1, 'other account')}` : '',
        )
      : f.users.length > 0
        ? rich(', running as ', code(f.users[0].display))
        : rich(', with no user recorded in the events');
  return rich(f.hostDisplay, assetBits.length > 0 ? ` (${assetBits.join(', ')})` : '', others, who);
}

function persistenceSentence(f: IncidentFacts, p: PersistenceFact): Rich {
  const writer = rich(actor(p.alert.process));
  const created =
    p.payload !== undefined
      ? f.files.find((x) => samePath(x.path, p.payload ?? '') && x.action !== 'loaded')
      : undefined;
  const origin =
    created !== undefined
      ? rich(
          '; ',
          code(baseName(created.path)),
          ' itself was written by ',
          actor(created.proc ?? created.alert.process),
          ` at ${utc(created.alert.eventTime)}`,
        )
      : [];
  switch (p.kind) {
    case 'run-key': {
      const when =
        p.scope === 'machine'
          ? 'at the next logon of any user'
          : p.scope === 'user'
            ? "at the user's next logon"
            : 'at the next logon';
      const runs =
        p.dll !== undefined
          ? rich(
              code(baseName(p.program ?? 'rundll32.exe')),
              ' loads ',
              code(p.dll),
              p.entry !== undefined ? rich(' (export ', code(p.entry), ')') : '',
            )
          : p.payload !== undefined
            ? rich('Windows starts ', code(p.payload))
            : rich('Windows runs ', code(p.data ?? ''));
      return rich(
        writer,
        ' set the Run value ',
        code(p.valueName),
        ' under ',
        code(p.key),
        ' so that ',
        runs,
        ` ${when}`,
        origin,
        '.',
      );
    }
    case 'startup-folder':
      return rich(
        writer,
        ' placed ',
        code(p.path),
        " in a Startup folder, so it runs at the user's next logon",
        origin,
        '.',
      );
    case 'scheduled-task':
      return rich(
        writer,
        ' registered the scheduled task ',
        code(p.name),
        p.action !== undefined ? rich(' running ', code(p.action)) : '',
        origin,
        '.',
      );
    case 'service':
      return rich(
        writer,
        ' installed the service ',
        code(p.name),
        p.path !== undefined ? rich(' running ', code(p.path)) : '',
        origin,
        '.',
      );
    case 'wmi-subscription':
      return rich(
        writer,
        ' created a WMI event subscription',
        p.consumer !== undefined ? rich(' with consumer ', code(p.consumer)) : '',
        ' that runs code when its event fires',
        origin,
        '.',
      );
  }
}

function keyFinding(f: IncidentFacts): Rich {
  if (f.persistence.length > 0) return persistenceSentence(f, f.persistence[0]);
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

function recommendation(f: IncidentFacts, isolate: boolean): Rich {
  const parts: Rich[] = [];
  if (isolate) parts.push(rich('isolate ', f.hostDisplay, ' from the network'));
  const ext = blockableDestinations(f);
  if (ext.length === 1) parts.push(rich('block ', code(ext[0].display)));
  else if (ext.length > 1) parts.push(rich(`block ${ext.length} external destinations`));
  const runValues = f.persistence.flatMap((p) => (p.kind === 'run-key' ? [p.valueName] : []));
  const otherMechanisms = f.persistence.filter((p) => p.kind !== 'run-key').length;
  if (runValues.length > 0)
    parts.push(
      rich(
        runValues.length === 1 ? 'delete the Run value ' : 'delete the Run values ',
        codeList(distinct(runValues).slice(0, 3)),
      ),
    );
  if (otherMechanisms > 0) parts.push(rich(`remove ${count(otherMechanisms, 'other persistence mechanism')}`));
  const files = filesToRemove(f).map(baseName);
  if (files.length > 0 && files.length <= 3) parts.push(rich('delete ', codeList(files)));
  else if (files.length > 3) parts.push(rich(`delete ${files.length} files`));
  if (f.lsass.length > 0) parts.push(rich('reset the credentials of the accounts logged on to ', f.hostDisplay));
  const users = humanUsers(f);
  if (users.length > 0 && (isolate || f.persistence.length > 0))
    parts.push(rich('reset the password of ', codeList(users.slice(0, 3).map((u) => u.key))));
  if (parts.length === 0)
    parts.push(rich('confirm with the user and the owner of ', f.hostDisplay, ' whether this activity was expected'));
  const out: Rich = [{ text: 'Recommended now: ' }];
  parts.forEach((p, i) => {
    if (i > 0) out.push({ text: i === parts.length - 1 ? ' and ' : ', ' });
    out.push(...p);
  });
  out.push({ text: '.' });
  return out;
}

export function executiveSummary(
  f: IncidentFacts,
  top: RankedTechnique | undefined,
  coverage: Coverage,
  isolate: boolean,
): Statement[] {
  const sources = joinAnd(distinct(f.alerts.map((a) => PRODUCT_NAMES[a.source.product] ?? a.source.product)));
  const what = sentenceCase(whatHappened(f, top));
  const id = top !== undefined ? ` (${top.info.id})` : '';
  const out: Statement[] = [
    {
      basis: 'observed',
      text: rich(
        `${period(f)} (UTC), ${sources === '' ? 'the sources' : sources} recorded ${what}${id} on `,
        whereAndWho(f),
        '.',
      ),
    },
    { basis: 'observed', text: keyFinding(f) },
    networkStatement(f),
    { basis: 'recommended', text: recommendation(f, isolate) },
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
