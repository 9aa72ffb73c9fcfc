import type { IncidentFacts } from './facts';
import { earliestNonSystemAncestor, humanUsers, parentOf } from './facts';
import { accountKindOf } from './case-profile';
import { credentialFiles, credentialPathSet } from './credential-material';
import { actor, actorLabel, knownImage } from './display';
import type { ProcEntry } from './process-graph';
import { ancestry, procOrder } from './process-graph';
import {
  BROWSERS,
  WINDOWS_BINARIES,
  isStockWindowsBinary,
  MAIL_CLIENTS,
  OFFICE_APPS,
  baseKey,
  baseName,
  isInstalledLocation,
  normalizePath,
  pathsInText,
  samePath,
} from '../windows';
import { code, codeList, distinct, rich, utc } from './text';
import type { Confidence, RootCause, Rich, Statement } from '../model/report';

/**
 * The root-cause hypothesis: where the chain begins in the collected events (the earliest process that is not a
 * Windows shell or service host), the initial access vector that start suggests, with a confidence, and what the
 * events cannot show, written as unknown. The vector comes from a rule table read top to bottom.
 */

interface VectorContext {
  root: ProcEntry;
  image: string;
  parent?: ProcEntry;
  parentName: string;
  /** The root is a persistence mechanism of this incident firing (its command line names the payload). */
  persistenceStart: boolean;
}

interface VectorRule {
  id: string;
  test(ctx: VectorContext): boolean;
  vector: string;
  confidence: Confidence;
  because(ctx: VectorContext): Rich;
}

/** Applications that open what arrives from outside: a chain starting in one of them points at its input. */
const DELIVERY_APPS: ReadonlySet<string> = new Set([...OFFICE_APPS, ...MAIL_CLIENTS, ...BROWSERS]);

/** The first process a process started, in time order. */
function firstChild(f: IncidentFacts, p: ProcEntry): ProcEntry | undefined {
  return [...f.graph.procs.values()].filter((q) => q.parentKey === p.key).sort(procOrder)[0];
}

const started = (ctx: VectorContext): Rich => rich(code(baseName(ctx.image)), ' was started by ', code(ctx.parentName));

export const VECTOR_RULES: readonly VectorRule[] = [
  {
    id: 'persistence-start',
    test: (x) => x.persistenceStart,
    vector: 'unknown (the collected chain starts after the persistence was installed)',
    confidence: 'low',
    because: (x) => rich(code(baseName(x.image)), ' runs the payload this persistence names'),
  },
  {
    id: 'mail-client',
    test: (x) => MAIL_CLIENTS.has(x.parentName.toLowerCase()),
    vector: 'an email attachment opened from the mail client (ATT&CK T1566.001)',
    confidence: 'high',
    because: (x) => rich(started(x), ', a mail client'),
  },
  {
    id: 'office-document',
    test: (x) => OFFICE_APPS.has(x.parentName.toLowerCase()),
    vector: 'a malicious Office document (ATT&CK T1566.001 if it arrived by email)',
    confidence: 'medium',
    because: (x) => rich(started(x), ', an Office application'),
  },
  {
    id: 'mail-attachment-path',
    test: (x) => /\\content\.outlook\\|\\olk[^\\]*\\|\\inetcache\\content\.outlook/.test(normalizePath(x.image)),
    vector: 'an email attachment (ATT&CK T1566.001)',
    confidence: 'medium',
    because: (x) => rich(code(x.image), ' lies in the folder where Outlook saves opened attachments'),
  },
  {
    id: 'browser',
    test: (x) => BROWSERS.has(x.parentName.toLowerCase()),
    vector: 'a file run from the web browser (ATT&CK T1204.002, possibly T1189 drive-by)',
    confidence: 'medium',
    because: (x) => rich(started(x), ', a web browser'),
  },
  {
    id: 'downloads-folder',
    test: (x) => /\\downloads\\/.test(normalizePath(x.image)),
    vector: 'user execution of a downloaded file (ATT&CK T1204.002)',
    confidence: 'medium',
    because: (x) =>
      rich(
        code(baseName(x.image)),
        " ran from the user's Downloads folder",
        x.parentName !== '' ? rich(', started by ', code(x.parentName)) : '',
      ),
  },
  {
    id: 'archive',
    test: (x) => /\\temp\\(rar\$|7z|[^\\]*\.zip\\)/.test(normalizePath(x.image)),
    vector: 'a file extracted from an archive and run by the user (ATT&CK T1204.002)',
    confidence: 'low',
    because: (x) => rich(code(x.image), ' is in a temporary folder where archive tools extract files'),
  },
  {
    id: 'removable-drive',
    test: (x) => /^[d-z]:\\/.test(normalizePath(x.image)),
    vector: 'a program run from a removable or network drive (ATT&CK T1091 or a share)',
    confidence: 'low',
    because: (x) => rich(code(x.image), ' is not on the system drive'),
  },
  {
    id: 'wmi',
    test: (x) => x.parentName.toLowerCase() === 'wmiprvse.exe',
    vector: 'execution through WMI, local or remote (ATT&CK T1047)',
    confidence: 'medium',
    because: (x) => rich(started(x), ', the WMI provider host'),
  },
  {
    id: 'winrm',
    test: (x) => x.parentName.toLowerCase() === 'wsmprovhost.exe',
    vector: 'PowerShell remoting from another host (ATT&CK T1021.006)',
    confidence: 'medium',
    because: (x) => rich(started(x), ', the WinRM plug-in host'),
  },
  {
    id: 'service',
    test: (x) => x.parentName.toLowerCase() === 'services.exe',
    vector: 'a service start, possibly remote service execution (ATT&CK T1569.002)',
    confidence: 'low',
    because: (x) => rich(started(x), ', the service control manager'),
  },
  {
    id: 'user-session',
    test: (x) => x.parentName.toLowerCase() === 'explorer.exe',
    vector: 'a program the user started from the desktop session; how it reached the host is not shown',
    confidence: 'low',
    because: (x) => rich(started(x), ", the user's desktop shell"),
  },
];

const PARENT_CONTEXT: Readonly<Record<string, string>> = {
  'explorer.exe': "the chain started from the user's interactive session",
  'userinit.exe': 'the chain started at user logon',
  'winlogon.exe': 'the chain started at logon',
  'services.exe': 'the chain started as a Windows service',
  'svchost.exe': 'the chain started from a Windows service host (a scheduled task, WMI or another service)',
  'wmiprvse.exe': 'the chain started through WMI',
};

function persistenceStarts(f: IncidentFacts, root: ProcEntry): boolean {
  const text = `${root.commandLine ?? ''} ${root.image ?? ''}`;
  const paths = [...(root.image !== undefined ? [root.image] : []), ...pathsInText(text).map((p) => p.path)];
  return f.persistence.some(
    (p) =>
      p.payload !== undefined &&
      p.payload.trim() !== '' &&
      (text.toLowerCase().includes(p.payload.toLowerCase()) || paths.some((x) => samePath(x, p.payload ?? ''))),
  );
}

/** Files that reached the host, as far as the events show: persistence payloads and files the incident wrote. */
function deliveredFiles(f: IncidentFacts): string[] {
  const payloads = f.persistence.flatMap((p) => (p.payload !== undefined ? [p.payload] : []));
  const written = f.files.filter((x) => x.action === 'created' || x.action === 'written').map((x) => x.path);
  // A dump the incident wrote did not reach the host from outside.
  const credentials = credentialPathSet(credentialFiles(f));
  return distinct([...payloads, ...written], normalizePath).filter((p) => !credentials.has(normalizePath(p)));
}

function rootStatement(f: IncidentFacts, root: ProcEntry, parent: ProcEntry | undefined): Statement {
  const user = humanUsers(f)[0];
  const when =
    root.created !== undefined
      ? `started at ${at(f, root.created.eventTime)}`
      : `first seen at ${at(f, root.firstSeen)} (its start was not collected)`;
  const parentName = parent?.image !== undefined ? baseName(parent.image) : undefined;
  const by = parent !== undefined ? rich(' by ', actor(parent)) : rich(', parent not in the collected events');
  let context = parentName !== undefined ? PARENT_CONTEXT[parentName.toLowerCase()] : undefined;
  if (context !== undefined && parentName?.toLowerCase() === 'explorer.exe' && user !== undefined) {
    context = persistenceStarts(f, root)
      ? `explorer.exe starts Run-key programs when ${user.key} logs on`
      : `the chain started from ${user.key}'s interactive session`;
  }
  return {
    basis: 'observed',
    text: rich(
      'The earliest non-system process is ',
      // The whole path: `C:\Windows\Tasks\svchost.exe` is not Windows' svchost.exe.
      code(root.image ?? actorLabel(root)),
      root.pid !== undefined ? ` (PID ${root.pid})` : '',
      `, ${when}`,
      by,
      context !== undefined ? `: ${context}` : '',
      '.',
    ),
  };
}

/**
 * A time as the ticket's statements give it: the clock alone when the incident lies within one UTC day (the
 * timeline heading names the day), else the full UTC time.
 */
function at(f: IncidentFacts, iso: string): string {
  const t = utc(iso);
  const day = utc(f.firstSeen).slice(0, 10);
  return day === utc(f.lastSeen).slice(0, 10) && t.startsWith(day) ? t.slice(11) : t;
}

/** Files written by one process and then registered or started by another: how separate chains are tied. */
function artifactLinks(f: IncidentFacts, root: ProcEntry): Statement[] {
  const out: Statement[] = [];
  for (const p of f.persistence) {
    if (p.payload === undefined) continue;
    const writer = f.graph.procs.get(f.graph.actorOf.get(p.alert.alertId) ?? '');
    const file = f.files.find((x) => samePath(x.path, p.payload ?? '') && x.action !== 'loaded');
    const what =
      p.kind === 'run-key'
        ? rich('the Run value ', code(p.valueName))
        : p.kind === 'startup-folder'
          ? rich('the Startup folder')
          : rich(
              `the ${p.kind.replace('-', ' ')} `,
              code(p.kind === 'wmi-subscription' ? (p.consumer ?? p.name ?? '') : p.name),
            );
    // The process that set up the persistence outside the chain the root started: said in the same sentence as the
    // file that links them, when there is one.
    const apart =
      writer !== undefined && writer.key !== root.key && !ancestry(f.graph, writer.key).some((q) => q.key === root.key)
        ? parentOf(f, writer)
        : undefined;
    if (file !== undefined) {
      const fileWriter = file.proc ?? file.alert.process;
      const registrar = writer ?? p.alert.process;
      const same = file.proc !== undefined && writer !== undefined && file.proc.key === writer.key;
      out.push({
        basis: 'observed',
        text: same
          ? rich(
              actor(fileWriter),
              ' wrote ',
              code(baseName(p.payload)),
              ` at ${at(f, file.alert.eventTime)} and registered it in `,
              what,
              ` at ${at(f, p.alert.eventTime)}.`,
            )
          : rich(
              apart !== undefined ? 'Only ' : '',
              code(baseName(p.payload)),
              apart !== undefined ? ' links the two chains: ' : ' ties the events together: ',
              actor(fileWriter),
              ` wrote it at ${at(f, file.alert.eventTime)}; `,
              actor(registrar),
              apart !== undefined
                ? rich(', started by ', actor(apart), ', not by ', code(baseName(root.image ?? '')), ',')
                : '',
              ' registered it',
              apart !== undefined ? '' : rich(' in ', what),
              ` at ${at(f, p.alert.eventTime)}.`,
            ),
      });
    } else if (apart !== undefined && writer !== undefined) {
      out.push({
        basis: 'observed',
        text: rich(
          actor(writer),
          ', which set up the persistence, was started by ',
          actor(apart),
          ', not by ',
          actor(root),
          '; the events do not show what links the two.',
        ),
      });
    }
  }
  return out;
}

/** Earliest alert whose actor the events did not name (Sysmon's `<unknown process>`): an installer nobody saw. */
function unnamedFirstActor(f: IncidentFacts): Statement | undefined {
  const first = f.alerts[0];
  if (first === undefined || first.process === undefined || knownImage(first.process.image) !== undefined)
    return undefined;
  if (first.eventType === 'process_create') return undefined;
  return {
    basis: 'observed',
    text: rich(
      `The first event (${at(f, first.eventTime)}) came from `,
      actorLabel(first.process),
      ': what installed the rest is unknown.',
    ),
  };
}

export function rootCause(f: IncidentFacts): RootCause {
  const statements: Statement[] = [];
  // People who can say how it began: not a service account, which nobody sits behind.
  const users = humanUsers(f).filter((u) => accountKindOf(f, u) !== 'service');
  const unnamed = unnamedFirstActor(f);
  const root = earliestNonSystemAncestor(f);
  // One sentence for what the events cannot show about delivery; the user is the one who can say.
  const unknownDelivery = (subject: Rich): Statement => ({
    basis: 'unknown',
    text: rich(
      'The delivery vector is unknown: how ',
      subject,
      ' reached ',
      f.hostDisplay,
      ' is not in the events',
      users.length > 0 ? rich('; ', code(users[0].key), ' may know') : '',
      '.',
    ),
  });

  if (root === undefined || root.image === undefined) {
    if (unnamed !== undefined) statements.push(unnamed);
    statements.push({
      basis: 'unknown',
      text: rich('The alerts carry no process ancestry, so where the activity began cannot be traced from them.'),
    });
    statements.push(unknownDelivery(rich('the attacker or the malicious file')));
    return { vector: 'unknown: the events do not show how the activity began', confidence: 'low', statements };
  }

  const parent = parentOf(f, root);
  const rootLine = rootStatement(f, root, parent);
  const links = artifactLinks(f, root);
  // The unnamed first actor is said once: by the line that says what it wrote and registered, when there is one.
  const unnamedLabel = f.alerts[0]?.process !== undefined ? actorLabel(f.alerts[0].process) : '';
  const linked = links.some((s) => s.text.some((x) => x.text.toLowerCase() === unnamedLabel.toLowerCase()));
  if (unnamed !== undefined && !linked) statements.push(unnamed);
  statements.push(...links);

  // When the chain starts in a document, mail or web application, the telling pair is that application and what
  // it launched; otherwise it is the first program and whatever started it.
  const deliveryApp = DELIVERY_APPS.has(baseKey(root.image));
  const child = deliveryApp ? firstChild(f, root) : undefined;
  const launched = child?.image !== undefined ? child : root;
  const launcher = child?.image !== undefined ? root : parent;
  const vctx: VectorContext = {
    root: launched,
    image: launched.image ?? root.image,
    parent: launcher,
    parentName: launcher?.image !== undefined ? baseName(launcher.image) : '',
    persistenceStart: persistenceStarts(f, launched),
  };
  const rule = VECTOR_RULES.find((r) => r.test(vctx));
  // Where the chain begins is the hypothesis' "because" when a rule matched: said once, there. A root named like a
  // Windows binary keeps its line: its whole path (`C:\Windows\Tasks\svchost.exe`) is the finding.
  const masquerade = WINDOWS_BINARIES.has(baseKey(root.image)) && !isStockWindowsBinary(root.image);
  if (rule === undefined || masquerade) statements.unshift(rootLine);
  const vector = rule?.vector ?? 'unknown: nothing in the process tree points to a delivery route';
  const confidence: Confidence = rule?.confidence ?? 'low';

  // Administrative rights (High integrity) are a contributing factor, stated once in that list.

  // A Windows binary did not "arrive": what arrived is the document it opened, the payload it runs, or the files
  // the incident wrote.
  const delivered = isInstalledLocation(root.image) ? deliveredFiles(f) : [root.image];
  statements.push(
    unknownDelivery(
      deliveryApp
        ? rich('the document, link or attachment that ', code(baseName(root.image)), ' opened')
        : delivered.length > 0
          ? codeList(delivered.slice(0, 3).map(baseName))
          : rich('the malicious files'),
    ),
  );
  for (const p of f.persistence) {
    if (p.payload === undefined) continue;
    const payload = p.payload;
    const ran = [...f.graph.procs.values()].some(
      (q) =>
        q.created !== undefined &&
        ((q.image !== undefined && samePath(q.image, payload)) ||
          (q.commandLine ?? '').toLowerCase().includes(payload.toLowerCase())),
    );
    const loaded = f.files.some((x) => x.action === 'loaded' && samePath(x.path, payload));
    if (!ran && !loaded) {
      statements.push({
        basis: 'unknown',
        text: rich(
          code(baseName(p.payload)),
          ' did not run in the collected events, so what it does is unknown until it is analysed.',
        ),
      });
    }
  }
  return { vector, confidence, statements, ...(rule !== undefined ? { because: rule.because(vctx) } : {}) };
}
