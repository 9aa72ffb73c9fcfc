import type { IncidentFacts, UserFact } from './facts';
import { blockableDestinations, externalDestinations, filesToRemove, humanUsers } from './facts';
import type { AutostartValue } from './autostart-values';
import { AUTOSTART_VALUE_KIND, alternateStream, artifactMechanisms, autostartValues } from './autostart-values';
import type { AccountKind, CaseProfile } from './case-profile';
import { accountKindOf, caseProfile, servesOthers } from './case-profile';
import type { CredentialFile } from './credential-material';
import { CREDENTIAL_KIND_TEXT, credentialFiles, credentialPathSet } from './credential-material';
import { actor, defangValue, knownImage } from './display';
import type { RunKeyFact } from './persistence';
import type { ProcEntry } from './process-graph';
import { ancestry, isSystemImage, procOrder } from './process-graph';
import type { EnrichedAlert } from '../model/enrichment';
import {
  LOLBINS,
  POWERSHELL,
  baseKey,
  baseName,
  displayPath,
  forScan,
  isInstalledLocation,
  normalizePath,
} from '../windows';
import { isCommandSafeName } from './commands';
import { isPopularService } from '../enrich';
import { isBlockableName } from '../enrich/popular-services';
import { code, codeList, count, distinct, plain, rich, utc } from './text';
import type { NextQuery, RemediationPhase, RemediationStep, Rich, Statement } from '../model/report';
import type { LookAlike } from '../enrich/look-alike';
import { contributingFactors } from './contributing-factors';
import { detectionFollowUps } from './detection-follow-ups';
import { lookAlikeNames } from './look-alike-names';
import { nextQueries } from './next-queries';
import { unmapIpv4 } from '../enrich/network';

/**
 * Recommended containment and remediation, from a playbook table per technique family. Each entry decides from
 * the case whether it applies and writes steps naming this incident's artefacts (the value, the file, the address),
 * never generic advice when a specific one is possible. The case is the facts plus what changes the advice: the
 * kind of account (a service account has no person to ask and a password other systems use), the host's role (a
 * server serves others), credential material (secured, then destroyed, never kept for malware analysis) and every
 * autostart entry any stage found (logon scripts and Winlogon values too). Each artefact gets one step. Steps are
 * ordered containment → eradication → recovery, table order within a phase, and deduplicated.
 */

/** What the playbook decides from: the facts, and what was derived from them once. */
export interface PlaybookCase {
  f: IncidentFacts;
  profile: CaseProfile;
  /** LSASS dumps, hive and NTDS.dit copies: secured and destroyed, in no other step. */
  credentials: CredentialFile[];
  /** Autostart values the persistence section does not model (logon script, Winlogon, a Run value by command). */
  autostart: AutostartValue[];
  /** Tasks and services an EDR listed as evidence that the persistence section does not hold. */
  artifacts: { tasks: string[]; services: string[] };
  /** Files to delete, one step each: neither credential material, nor a stream, nor what another step removes. */
  files: string[];
  /** Alternate data streams to remove (never their host file or folder). */
  streams: { file: string; stream: string }[];
}

interface PlaybookEntry {
  family: string;
  steps(c: PlaybookCase): { phase: RemediationPhase; text: Rich }[];
}

const MAX_FILES = 10;
const MAX_BLOCKS = 10;
const DOWNLOAD_CRADLE =
  /\b(downloadstring|downloadfile|downloaddata|invoke-webrequest|iwr|invoke-restmethod|irm|net\.webclient|start-bitstransfer|wget|curl)\b/i;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'`<>|)]+/gi;
/** Task files the Task Scheduler keeps: `schtasks /Delete` removes them with the task. */
const TASK_FILE = /^[a-z]:\\windows\\(?:system32|syswow64)\\tasks\\/;

/** Whether containment by isolation is warranted: anything that persists, talks out, steals, or scores medium+. */
function needsIsolation(c: PlaybookCase): boolean {
  const f = c.f;
  return (
    f.incident.severity >= 40 ||
    f.persistence.length > 0 ||
    c.autostart.length > 0 ||
    externalDestinations(f).length > 0 ||
    f.lsass.length > 0
  );
}

function credentialRisk(f: IncidentFacts): boolean {
  return f.lsass.length > 0 || externalDestinations(f).length > 0;
}

const hostList = (f: IncidentFacts): string[] => [f.hostDisplay, ...f.otherHosts].slice(0, 5);

/** Said instead of a command when the name would not be inert in a shell (see `isCommandSafeName`). */
const NO_COMMAND = 'its name holds characters a shell would interpret, so no command is given: remove it by hand';

/** ` (<command>)` built from a name the intruder chose, or the reason there is none. */
function commandFor(name: string, command: (quoted: string) => Rich): Rich {
  return isCommandSafeName(name) ? rich(' (', command(`"${name}"`), ')') : rich(` (${NO_COMMAND})`);
}

function runKeySteps(p: RunKeyFact): Rich {
  return rich('Delete value ', code(p.valueName), ' under ', code(p.key), '.');
}

/** Installed software that does not run code on request (the sensor itself, a service): its files are the host's. */
const installedNonLolbin = (image: string): boolean => isInstalledLocation(image) && !LOLBINS.has(baseKey(image));

/** Whether an alert says something is wrong: a heuristic, a Sigma rule or an ATT&CK technique. */
const suspicious = (a: EnrichedAlert): boolean =>
  a.enrichment.heuristics.length > 0 || (a.detections?.length ?? 0) > 0 || a.enrichment.techniques.length > 0;

/**
 * Processes worth stopping: where each suspicious chain starts (the top non-system ancestor of a process an alert
 * flagged; a host's unrelated software, the Azure guest agent say, is not stopped for sharing the incident), and
 * anything that talked to a blockable destination.
 */
function processesToStop(f: IncidentFacts): { image: string; pid?: number }[] {
  const out: { image: string; pid?: number }[] = [];
  const flagged = [...f.graph.procs.values()].filter(
    (p) => p.image !== undefined && ((p.created !== undefined && suspicious(p.created)) || p.acts.some(suspicious)),
  );
  // The top non-system ancestor of each flagged process: where each suspicious chain starts.
  const tops = flagged.flatMap((p) => {
    let top: ProcEntry | undefined;
    // Up to, not into, a Windows host process or installed server software (sqlservr.exe, w3wp.exe): a chain started
    // under a database is stopped at its shell; stopping the database is the owner's decision.
    for (const q of ancestry(f.graph, p.key)) {
      if (q.image === undefined || isSystemImage(q.image) || (q !== p && installedNonLolbin(q.image))) break;
      top = q;
    }
    return top?.image !== undefined ? [top] : [];
  });
  // A shell or LOLBin that began a chain of its own has usually exited; the program that began another stays.
  const unique = distinct(tops, (p) => p.key).sort(procOrder);
  const programs = unique.filter((p) => p.image !== undefined && !LOLBINS.has(baseKey(p.image)));
  for (const t of (programs.length > 0 ? programs : unique).slice(0, 2)) {
    if (t.image !== undefined) out.push({ image: t.image, pid: t.pid });
  }
  // Well-known services (the Azure agent's wire server) are not a reason to stop what talked to them.
  for (const conn of blockableDestinations(f)) {
    const image = knownImage(conn.proc?.image);
    if (image !== undefined && !isSystemImage(image)) out.push({ image, pid: conn.proc?.pid });
  }
  return distinct(out, (p) => `${p.image.toLowerCase()}|${p.pid ?? ''}`);
}

function cradleUrls(f: IncidentFacts): string[] {
  const urls: string[] = [];
  for (const p of f.graph.procs.values()) {
    const cmd = p.commandLine;
    if (cmd === undefined || !DOWNLOAD_CRADLE.test(cmd)) continue;
    const powershell =
      p.image !== undefined ? POWERSHELL.has(baseKey(p.image)) : /\b(powershell|pwsh)(\.exe)?\b/i.test(cmd);
    if (!powershell) continue;
    for (const m of forScan(cmd).matchAll(URL_IN_TEXT)) urls.push(m[0]);
  }
  return distinct(urls);
}

/** The isolation step, in the words the host's role calls for. */
function isolateText(host: string, c: PlaybookCase, main: boolean): Rich {
  const role = main ? c.profile.role : 'unknown';
  if (role === 'domain-controller') {
    return rich(
      'Isolate ',
      host,
      ' from the network once the other domain controllers can carry authentication; keep it powered on so memory evidence survives.',
    );
  }
  if (servesOthers(role)) {
    return rich(
      'Isolate ',
      host,
      ' from the network, agreeing the outage with the owner of what this server runs; keep it powered on so memory evidence survives.',
    );
  }
  return rich('Isolate ', host, ' from the network; keep it powered on for memory evidence.');
}

/** The credential step for one account, by its kind: no person to ask for a service account, no reset for SYSTEM. */
function resetText(u: UserFact, kind: AccountKind, since: string): Rich | undefined {
  switch (kind) {
    case 'system':
    case 'unknown':
      return undefined;
    case 'service':
      return rich(
        'Rotate the password of the service account ',
        code(u.key),
        ` and update every service and task that runs as it; review where it logged on since ${since}.`,
      );
    case 'admin':
      return rich(
        'Reset the password of the administrator account ',
        code(u.key),
        ` and review every host it signed in to since ${since}.`,
      );
    case 'interactive':
      return rich('Reset the password of ', code(u.key), ` and review its sign-ins since ${since}.`);
  }
}

/** The step that removes one alternate data stream, with a PowerShell command when both names are inert. */
function streamText(s: { file: string; stream: string }): Rich {
  const file = displayPath(s.file);
  const command =
    isCommandSafeName(file) && isCommandSafeName(s.stream)
      ? rich(' (', code(`Remove-Item -LiteralPath "${file}" -Stream "${s.stream}"`), ')')
      : rich(` (${NO_COMMAND})`);
  return rich(
    'Remove the alternate data stream ',
    code(s.stream),
    ' from ',
    code(file),
    command,
    '; leave ',
    code(baseName(file)),
    ' itself in place.',
  );
}

/** The host name of a URL indicator, none for an address or anything that does not parse. */
function urlHost(value: string): string[] {
  try {
    const host = new URL(value).hostname.replace(/\.$/, '');
    return host === '' || /^[\d.]+$/.test(host) || host.startsWith('[') ? [] : [host];
  } catch {
    return [];
  }
}

export const PLAYBOOK: readonly PlaybookEntry[] = [
  {
    family: 'isolate-host',
    steps: (c) =>
      needsIsolation(c)
        ? hostList(c.f).map((h, i) => ({ phase: 'containment' as const, text: isolateText(h, c, i === 0) }))
        : [],
  },
  {
    family: 'c2-connection',
    steps: ({ f }) => {
      const steps: { phase: RemediationPhase; text: Rich }[] = [];
      // Well-known services (github.com, a CDN) stay context: blocking them cuts the business off too.
      const dests = blockableDestinations(f);
      for (const d of dests.slice(0, MAX_BLOCKS)) {
        steps.push({
          phase: 'containment',
          text: rich('Block ', code(d.display), ' at the egress firewall and look for other hosts that reached it.'),
        });
      }
      // Only names the attack asked for are blocked: DNS queries answered with an address it reached, and hosts of
      // URLs it used. A connection's destination hostname (Sysmon 3 `DestinationHostname`) is a reverse lookup of the
      // address, a name the attacker never chose (a cloud provider's, a CDN's): blocking it blocks someone else.
      const contacted = new Set(dests.map((d) => (d.dstIp ?? '').toLowerCase()));
      const names = distinct(
        [
          ...f.dns.filter((q) => q.results.some((r) => contacted.has(unmapIpv4(r).toLowerCase()))).map((q) => q.query),
          ...f.alerts.flatMap((a) =>
            a.enrichment.iocs.filter((i) => i.type === 'url').flatMap((i) => urlHost(i.value)),
          ),
        ],
        (n) => n.toLowerCase(),
      ).filter(isBlockableName);
      for (const n of names.slice(0, MAX_BLOCKS)) {
        steps.push({
          phase: 'containment',
          // `code` defangs the name itself: an IOC's stored form of a hostile name may keep its scheme live.
          text: rich('Block the domain ', code(n), ' at the DNS resolver and web proxy.'),
        });
      }
      return steps;
    },
  },
  {
    family: 'kill-process',
    // One step: the processes of one incident are stopped together, each named with its PID.
    steps: ({ f }) => {
      const procs = processesToStop(f);
      if (procs.length === 0) return [];
      const names = procs.map((p) => rich(code(baseName(p.image)), p.pid !== undefined ? ` (PID ${p.pid})` : ''));
      const list: Rich = [];
      names.forEach((n, i) => list.push(...rich(i === 0 ? '' : i === names.length - 1 ? ' and ' : ', ', n)));
      return [{ phase: 'containment' as const, text: rich('Terminate ', list, ' if still running.') }];
    },
  },
  {
    family: 'credential-dumping',
    steps: ({ f, credentials, profile }) => {
      if (f.lsass.length === 0 && credentials.length === 0) return [];
      const steps: { phase: RemediationPhase; text: Rich }[] = [];
      if (credentials.some((x) => x.kind === 'ntds') || profile.role === 'domain-controller') {
        steps.push({
          phase: 'containment',
          text: rich(
            'Treat every domain credential as exposed: reset the ',
            code('krbtgt'),
            ' password twice (replication between the resets) and the passwords of privileged domain accounts.',
          ),
        });
      }
      const first = f.lsass[0];
      if (first !== undefined) {
        steps.push({
          phase: 'containment',
          text: rich(
            'Reset the credentials of every account that has logged on to ',
            f.hostDisplay,
            ` since ${utc(f.firstSeen)}, starting with privileged accounts: LSASS memory was read by `,
            actor(first.proc ?? first.alert.process),
            '.',
          ),
        });
        if (!credentials.some((x) => x.kind === 'lsass-dump')) {
          steps.push({
            phase: 'containment',
            text: rich(
              'Look on ',
              f.hostDisplay,
              ' for a memory dump written by ',
              actor(first.proc ?? first.alert.process),
              ` around ${utc(first.alert.eventTime)} (no dump file was collected); secure it, then destroy it.`,
            ),
          });
        }
      }
      return steps;
    },
  },
  {
    family: 'credential-material',
    steps: ({ credentials }) =>
      credentials.slice(0, MAX_FILES).map((x) => ({
        phase: 'containment' as const,
        text: rich(
          'Secure, then destroy ',
          code(x.path),
          ` (${CREDENTIAL_KIND_TEXT[x.kind]}): it holds credentials, so restrict any evidence copy to the incident team and never upload it to a sandbox.`,
        ),
      })),
  },
  {
    family: 'reset-password',
    steps: ({ f }) => {
      if (!(f.incident.severity >= 40 || credentialRisk(f) || f.persistence.length > 0)) return [];
      const phase: RemediationPhase = credentialRisk(f) ? 'containment' : 'eradication';
      return humanUsers(f)
        .slice(0, 5)
        .flatMap((u) => {
          const text = resetText(u, accountKindOf(f, u), utc(f.firstSeen));
          return text !== undefined ? [{ phase, text }] : [];
        });
    },
  },
  {
    family: 'registry-run-keys',
    steps: ({ f }) =>
      f.persistence.flatMap((p) =>
        p.kind === 'run-key' ? [{ phase: 'eradication' as const, text: runKeySteps(p) }] : [],
      ),
  },
  {
    family: 'autostart-values',
    steps: ({ autostart }) =>
      autostart.map((v) => ({
        phase: 'eradication' as const,
        text: rich(
          'Delete value ',
          code(v.valueName),
          ' under ',
          code(v.key),
          ` (${AUTOSTART_VALUE_KIND[v.technique] ?? 'autostart entry'}).`,
        ),
      })),
  },
  {
    family: 'startup-folder',
    steps: ({ f }) =>
      f.persistence.flatMap((p) =>
        p.kind === 'startup-folder'
          ? [{ phase: 'eradication' as const, text: rich('Remove ', code(p.path), ' from the Startup folder.') }]
          : [],
      ),
  },
  {
    family: 'scheduled-tasks',
    steps: ({ f, artifacts }) =>
      [...f.persistence.flatMap((p) => (p.kind === 'scheduled-task' ? [p.name] : [])), ...artifacts.tasks].map(
        (name) => ({
          phase: 'eradication' as const,
          text: rich(
            'Delete scheduled task ',
            code(name),
            commandFor(name, (q) => rich(code(`schtasks /Delete /TN ${q} /F`))),
            '.',
          ),
        }),
      ),
  },
  {
    family: 'services',
    steps: ({ f, artifacts }) =>
      [...f.persistence.flatMap((p) => (p.kind === 'service' ? [p.name] : [])), ...artifacts.services].map((name) => ({
        phase: 'eradication' as const,
        text: rich(
          'Stop and delete service ',
          code(name),
          commandFor(name, (q) => rich(code(`sc.exe stop ${q}`), ', then ', code(`sc.exe delete ${q}`))),
          '.',
        ),
      })),
  },
  {
    family: 'wmi-subscriptions',
    steps: ({ f }) =>
      f.persistence.flatMap((p) => {
        if (p.kind !== 'wmi-subscription') return [];
        const parts: Rich = [];
        if (p.filter !== undefined) parts.push(...rich('filter ', code(p.filter)));
        if (p.consumer !== undefined)
          parts.push(...rich(parts.length > 0 ? ', consumer ' : 'consumer ', code(p.consumer)));
        if (parts.length === 0 && p.name !== undefined) parts.push(...rich('subscription ', code(p.name)));
        return [
          {
            phase: 'eradication' as const,
            text: rich(
              'Remove the WMI subscription (',
              parts,
              ') and its filter-to-consumer binding from the ',
              code('root\\subscription'),
              ' namespace.',
            ),
          },
        ];
      }),
  },
  {
    family: 'alternate-data-streams',
    steps: ({ streams }) => streams.map((s) => ({ phase: 'eradication' as const, text: streamText(s) })),
  },
  {
    family: 'file-deletion',
    steps: ({ files }) => {
      const steps: { phase: RemediationPhase; text: Rich }[] = files.slice(0, MAX_FILES).map((p) => ({
        phase: 'eradication' as const,
        text: rich('Delete ', code(p), ' (keep a copy).'),
      }));
      if (files.length > MAX_FILES) {
        steps.push({
          phase: 'eradication',
          text: rich(`Delete the ${count(files.length - MAX_FILES, 'further file')} listed under File activity.`),
        });
      }
      return steps;
    },
  },
  {
    family: 'powershell-download-cradle',
    steps: ({ f }) =>
      cradleUrls(f)
        .filter((u) => !isPopularService(u))
        .slice(0, MAX_BLOCKS)
        .map((u) => ({
          phase: 'containment' as const,
          text: rich(
            'Block ',
            code(defangValue(u, f.iocs)),
            ' at the web proxy (PowerShell downloaded from it) and retrieve what it served for analysis.',
          ),
        })),
  },
  {
    family: 'lolbin-proxy-execution',
    steps: ({ f }) => {
      const steps: { phase: RemediationPhase; text: Rich }[] = [];
      for (const p of f.persistence) {
        if (p.kind !== 'run-key' || p.program === undefined || p.payload === undefined) continue;
        const lolbin = baseKey(p.program);
        if (!LOLBINS.has(lolbin) || isInstalledLocation(p.payload)) continue;
        // The folder the payload really is in: a rule on `System32\..\..\Users\Public` would match nothing.
        const payload = displayPath(p.payload);
        const dir = payload.slice(0, Math.max(0, payload.lastIndexOf('\\')));
        steps.push({
          phase: 'recovery',
          text: rich(
            'Add an application-control rule that stops ',
            code(lolbin),
            ' loading code from ',
            code(dir === '' ? payload : dir),
            '.',
          ),
        });
      }
      return steps;
    },
  },
  {
    family: 'admin-rights',
    steps: ({ f }) => {
      // A person's account running programs elevated; an administrator account is meant to, a service has its own step.
      const user = humanUsers(f).find((u) => accountKindOf(f, u) === 'interactive');
      if (user === undefined) return [];
      const elevated = [...f.graph.procs.values()].some(
        (p) =>
          p.image !== undefined &&
          !isSystemImage(p.image) &&
          /^(high|system)$/i.test(p.integrity ?? '') &&
          p.user !== undefined &&
          !/system/i.test(p.user),
      );
      return elevated
        ? [
            {
              phase: 'recovery',
              text: rich(
                'Remove local administrator rights from ',
                code(user.key),
                ' on ',
                f.hostDisplay,
                ' unless needed.',
              ),
            },
          ]
        : [];
    },
  },
  {
    family: 'verify-clean',
    steps: ({ f, autostart, artifacts }) => {
      // The persistence names: a file deleted once and written again is caught by the same watch on its entry.
      const names = distinct([
        ...f.persistence.map((p) =>
          p.kind === 'run-key'
            ? p.valueName
            : p.kind === 'startup-folder'
              ? baseName(p.path)
              : p.kind === 'wmi-subscription'
                ? (p.consumer ?? p.name ?? '')
                : p.name,
        ),
        ...autostart.map((v) => v.valueName),
        ...artifacts.tasks,
        ...artifacts.services,
      ]).filter((x) => x !== '');
      if (names.length === 0) return [];
      const one = names.length === 1;
      return [
        {
          phase: 'recovery',
          text: rich(
            'After removal, scan ',
            f.hostDisplay,
            one ? ' with the EDR; if ' : ' with the EDR; if any of ',
            codeList(names.slice(0, 5)),
            ' reappears within 14 days, reimage it.',
          ),
        },
      ];
    },
  },
];

const PHASE_ORDER: RemediationPhase[] = ['containment', 'eradication', 'recovery'];

/** The default when no family has a specific action: establish whether it was legitimate, then collect. */
function defaultSteps(c: PlaybookCase): RemediationStep[] {
  const f = c.f;
  // A service account has nobody to ask: the owner of the service (and of the host) is who knows.
  const users = humanUsers(f).filter((u) => accountKindOf(f, u) === 'interactive');
  const who = users.length > 0 ? rich(code(users[0].key), ' and the owner of ') : rich('the owner of ');
  return [
    {
      phase: 'containment',
      family: 'default',
      text: rich(
        'Confirm with ',
        who,
        f.hostDisplay,
        ' whether this activity was expected; if it was not, isolate the host.',
      ),
    },
    {
      phase: 'eradication',
      family: 'default',
      text: rich(
        'Collect a triage package from ',
        f.hostDisplay,
        ' (running processes, autostart entries, recent files, event logs) before changing anything.',
      ),
    },
  ];
}

/**
 * The case the playbook decides from: the account and host kinds, credential material, autostart values beyond the
 * persistence section, and the files and streams to remove, each artefact in exactly one list.
 */
export function playbookCase(f: IncidentFacts): PlaybookCase {
  const credentials = credentialFiles(f);
  const credentialPaths = credentialPathSet(credentials);
  const autostart = autostartValues(f.alerts, f.persistence);
  // Removed by their own steps: task files go with `schtasks /Delete`, Startup items with their step.
  const ownStep = new Set(f.persistence.flatMap((p) => (p.kind === 'startup-folder' ? [normalizePath(p.path)] : [])));
  const taskNames = new Set(
    f.persistence.flatMap((p) => (p.kind === 'scheduled-task' ? [p.name.replace(/^\\/, '').toLowerCase()] : [])),
  );
  const candidates = [
    ...filesToRemove(f),
    ...autostart.flatMap((v) => (v.payload !== undefined && !isInstalledLocation(v.payload) ? [v.payload] : [])),
  ];
  // A file only Windows or installed software wrote (the event log's state, a service's cache) is the host's own,
  // collected because the incident spans the host; a payload is kept whoever wrote it.
  const payloads = new Set(f.persistence.flatMap((p) => (p.payload !== undefined ? [normalizePath(p.payload)] : [])));
  const writers = new Map<string, string[]>();
  for (const x of f.files) {
    const key = normalizePath(x.path);
    writers.set(key, [...(writers.get(key) ?? []), x.proc?.image ?? '']);
  }
  const hostsOwn = (norm: string): boolean => {
    const by = writers.get(norm);
    return (
      !payloads.has(norm) &&
      by !== undefined &&
      by.every((image) => image !== '' && (isSystemImage(image) || installedNonLolbin(image)))
    );
  };
  const files: string[] = [];
  const streams: { file: string; stream: string }[] = [];
  for (const path of distinct(candidates, normalizePath)) {
    const norm = normalizePath(path);
    if (credentialPaths.has(norm) || ownStep.has(norm) || hostsOwn(norm)) continue;
    if (TASK_FILE.test(norm) && taskNames.has(norm.replace(TASK_FILE, ''))) continue;
    const stream = alternateStream(path);
    if (stream !== undefined) streams.push(stream);
    else if (!/:[^\\]*$/.test(path.slice(2))) files.push(displayPath(path));
  }
  return {
    f,
    profile: caseProfile(f),
    credentials,
    autostart,
    artifacts: artifactMechanisms(f.alerts, f.persistence),
    files,
    streams,
  };
}

/** The numbered remediation list for an incident. */
export function remediationSteps(f: IncidentFacts, c: PlaybookCase = playbookCase(f)): RemediationStep[] {
  const all: RemediationStep[] = [];
  for (const entry of PLAYBOOK) for (const s of entry.steps(c)) all.push({ ...s, family: entry.family });
  // Something specific to remove or secure: no need to ask whether the activity was expected.
  const specific = all.some(
    (s) => s.phase === 'eradication' || s.family === 'credential-material' || s.family === 'credential-dumping',
  );
  const steps = specific ? all : [...defaultSteps(c), ...all];
  const unique = distinct(steps, (s) => plain(s.text));
  return PHASE_ORDER.flatMap((phase) => unique.filter((s) => s.phase === phase));
}

/** The sections drafted from the case: what to do, what to query next, what let it happen, what to detect. */
export interface CaseSections {
  remediation: RemediationStep[];
  nextQueries: NextQuery[];
  contributingFactors: Statement[];
  detectionFollowUps: Rich[];
  lookAlikes: Statement[];
}

/** A look-alike as one observed line: `WindowsSecurityUpdate` — named like Windows but runs `…\security.dll`. */
function lookAlikeLine(x: LookAlike): Statement {
  const why = x.runs !== undefined ? rich(', but runs ', code(x.runs)) : rich(`: ${x.reason}`);
  return { basis: 'observed', text: rich(code(x.value), ` looks like ${x.resembles}`, why, '.') };
}

/**
 * Remediation, next queries, contributing factors, detection follow-ups and look-alike names, from one case so
 * they agree (the dump is secured in remediation and left out of the hash hunt; the persistence removed is the
 * persistence queried).
 */
/** Next queries a ticket carries. */
export const MAX_NEXT_QUERIES = 3;
/** Detections to add a ticket carries. */
export const MAX_FOLLOW_UPS = 2;

export function caseSections(f: IncidentFacts): CaseSections {
  const c = playbookCase(f);
  const lookAlikes = lookAlikeNames(f);
  return {
    remediation: remediationSteps(f, c),
    // The few an analyst runs first (most specific first), and the detections that matter most: a ticket, not a plan.
    nextQueries: nextQueries(f, c.autostart).slice(0, MAX_NEXT_QUERIES),
    contributingFactors: contributingFactors(f, c.profile),
    detectionFollowUps: detectionFollowUps(f, c.autostart, c.credentials, lookAlikes).slice(0, MAX_FOLLOW_UPS),
    lookAlikes: lookAlikes.map(lookAlikeLine),
  };
}
