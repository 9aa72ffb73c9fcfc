import type { IncidentFacts } from './facts';
import {
  blockableDestinations,
  earliestNonSystemAncestor,
  externalDestinations,
  filesToRemove,
  humanUsers,
} from './facts';
import { actor, defangValue, knownImage } from './display';
import type { RunKeyFact } from './persistence';
import { isSystemImage } from './process-graph';
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
import { code, codeList, distinct, plain, rich, utc } from './text';
import type { RemediationPhase, RemediationStep, Rich } from '../model/report';

/**
 * Recommended containment and remediation, from a playbook table per technique family. Each entry decides from
 * the incident's facts whether it applies and writes steps naming this incident's artifacts (the value, the
 * file, the address), never generic advice when a specific one is possible. Steps are ordered containment →
 * eradication → recovery, table order within a phase, and deduplicated.
 */

interface PlaybookEntry {
  family: string;
  steps(f: IncidentFacts): { phase: RemediationPhase; text: Rich }[];
}

const MAX_FILES = 10;
const MAX_BLOCKS = 10;
const DOWNLOAD_CRADLE =
  /\b(downloadstring|downloadfile|downloaddata|invoke-webrequest|iwr|invoke-restmethod|irm|net\.webclient|start-bitstransfer|wget|curl)\b/i;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'`<>|)]+/gi;

/** Whether containment by isolation is warranted: anything that persists, talks out, steals, or scores medium+. */
function needsIsolation(f: IncidentFacts): boolean {
  return (
    f.incident.severity >= 40 || f.persistence.length > 0 || externalDestinations(f).length > 0 || f.lsass.length > 0
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

/** Processes worth stopping: the chain's first non-system program and anything that talked out. */
function processesToStop(f: IncidentFacts): { image: string; pid?: number }[] {
  const out: { image: string; pid?: number }[] = [];
  const root = earliestNonSystemAncestor(f);
  if (root?.image !== undefined && !isSystemImage(root.image)) out.push({ image: root.image, pid: root.pid });
  for (const conn of externalDestinations(f)) {
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

export const PLAYBOOK: readonly PlaybookEntry[] = [
  {
    family: 'isolate-host',
    steps: (f) =>
      needsIsolation(f)
        ? hostList(f).map((h) => ({
            phase: 'containment' as const,
            text: rich('Isolate ', h, ' from the network; keep it powered on so memory evidence survives.'),
          }))
        : [],
  },
  {
    family: 'c2-connection',
    steps: (f) => {
      const steps: { phase: RemediationPhase; text: Rich }[] = [];
      // Well-known services (github.com, a CDN) stay context: blocking them cuts the business off too.
      const dests = blockableDestinations(f);
      for (const d of dests.slice(0, MAX_BLOCKS)) {
        steps.push({
          phase: 'containment',
          text: rich('Block ', code(d.display), ' at the egress firewall and look for other hosts that reached it.'),
        });
      }
      const contacted = new Set(dests.map((d) => (d.dstIp ?? '').toLowerCase()));
      const names = distinct([
        ...dests.flatMap((d) => (d.hostname !== undefined ? [d.hostname] : [])),
        ...f.dns
          .filter((q) => q.results.some((r) => contacted.has(r.toLowerCase().replace(/^::ffff:/, ''))))
          .map((q) => q.query),
      ]).filter((n) => !isPopularService(n));
      for (const n of names.slice(0, MAX_BLOCKS)) {
        steps.push({
          phase: 'containment',
          text: rich('Block the domain ', code(defangValue(n, f.iocs)), ' at the DNS resolver and web proxy.'),
        });
      }
      return steps;
    },
  },
  {
    family: 'kill-process',
    steps: (f) =>
      processesToStop(f).map((p) => ({
        phase: 'containment' as const,
        text: rich(
          'Terminate ',
          code(baseName(p.image)),
          p.pid !== undefined ? ` (PID ${p.pid})` : '',
          ' if it is still running.',
        ),
      })),
  },
  {
    family: 'credential-dumping',
    steps: (f) => {
      if (f.lsass.length === 0) return [];
      const first = f.lsass[0];
      const dumps = f.files.filter((x) => /\.(dmp|dump|bin)$/i.test(x.path) && x.action !== 'loaded');
      const hunt: Rich =
        dumps.length > 0
          ? rich(
              'Recover and then delete the memory dump ',
              codeList(dumps.slice(0, 3).map((d) => d.path)),
              ' — it holds the credentials read from LSASS.',
            )
          : rich(
              'Hunt on ',
              f.hostDisplay,
              ' for a memory dump written by ',
              actor(first.proc ?? first.alert.process),
              ` around ${utc(first.alert.eventTime)} (no dump file creation was collected); delete it once preserved.`,
            );
      return [
        {
          phase: 'containment',
          text: rich(
            'Reset the credentials of every account that has logged on to ',
            f.hostDisplay,
            ` since ${utc(f.firstSeen)}, starting with privileged accounts: LSASS memory was read by `,
            actor(first.proc ?? first.alert.process),
            '.',
          ),
        },
        { phase: 'containment', text: hunt },
      ];
    },
  },
  {
    family: 'reset-password',
    steps: (f) =>
      f.incident.severity >= 40 || credentialRisk(f) || f.persistence.length > 0
        ? humanUsers(f)
            .slice(0, 5)
            .map((u) => ({
              phase: credentialRisk(f) ? ('containment' as const) : ('eradication' as const),
              text: rich(
                'Reset the password of ',
                code(u.key),
                ` and review the account's sign-ins since ${utc(f.firstSeen)}.`,
              ),
            }))
        : [],
  },
  {
    family: 'preserve-evidence',
    steps: (f) => {
      const files = filesToRemove(f).slice(0, MAX_FILES);
      return files.length > 0
        ? [
            {
              phase: 'containment',
              text: rich('Before removing anything, keep copies of ', codeList(files), ' for malware analysis.'),
            },
          ]
        : [];
    },
  },
  {
    family: 'registry-run-keys',
    steps: (f) =>
      f.persistence.flatMap((p) =>
        p.kind === 'run-key' ? [{ phase: 'eradication' as const, text: runKeySteps(p) }] : [],
      ),
  },
  {
    family: 'startup-folder',
    steps: (f) =>
      f.persistence.flatMap((p) =>
        p.kind === 'startup-folder'
          ? [{ phase: 'eradication' as const, text: rich('Remove ', code(p.path), ' from the Startup folder.') }]
          : [],
      ),
  },
  {
    family: 'scheduled-tasks',
    steps: (f) =>
      f.persistence.flatMap((p) =>
        p.kind === 'scheduled-task'
          ? [
              {
                phase: 'eradication' as const,
                text: rich(
                  'Delete scheduled task ',
                  code(p.name),
                  commandFor(p.name, (q) => rich(code(`schtasks /Delete /TN ${q} /F`))),
                  '.',
                ),
              },
            ]
          : [],
      ),
  },
  {
    family: 'services',
    steps: (f) =>
      f.persistence.flatMap((p) =>
        p.kind === 'service'
          ? [
              {
                phase: 'eradication' as const,
                text: rich(
                  'Stop and delete service ',
                  code(p.name),
                  commandFor(p.name, (q) => rich(code(`sc.exe stop ${q}`), ', then ', code(`sc.exe delete ${q}`))),
                  '.',
                ),
              },
            ]
          : [],
      ),
  },
  {
    family: 'wmi-subscriptions',
    steps: (f) =>
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
    family: 'file-deletion',
    steps: (f) => {
      const files = filesToRemove(f);
      const steps: { phase: RemediationPhase; text: Rich }[] = files
        .slice(0, MAX_FILES)
        .map((p) => ({ phase: 'eradication' as const, text: rich('Delete ', code(p), '.') }));
      if (files.length > MAX_FILES) {
        steps.push({
          phase: 'eradication',
          text: rich(`Delete the ${files.length - MAX_FILES} further files listed under File activity.`),
        });
      }
      return steps;
    },
  },
  {
    family: 'powershell-download-cradle',
    steps: (f) =>
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
    steps: (f) => {
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
    family: 'masquerading',
    steps: (f) => {
      const fired = f.alerts.some((a) => a.enrichment.heuristics.some((h) => /masquerad|mimic/i.test(h.id)));
      if (!fired) return [];
      // Hunt for the names themselves (the Run value, the task, the payload path), not the heuristic's sentence.
      const names: Rich[] = f.persistence.slice(0, 3).flatMap((p): Rich[] => {
        const own: Rich =
          p.kind === 'run-key'
            ? rich('the Run value ', code(p.valueName))
            : p.kind === 'scheduled-task'
              ? rich('the task ', code(p.name))
              : p.kind === 'service'
                ? rich('the service ', code(p.name))
                : [];
        return [
          ...(own.length > 0 ? [own] : []),
          ...(p.payload !== undefined ? [rich('the file ', code(displayPath(p.payload)))] : []),
        ];
      });
      const evidence = distinct(
        f.alerts.flatMap((a) =>
          a.enrichment.heuristics.filter((h) => /masquerad|mimic/i.test(h.id)).map((h) => h.evidence),
        ),
      ).filter((e) => e.trim() !== '');
      const list: Rich[] = names.length > 0 ? names : evidence.slice(0, 3).map((e) => rich(code(e)));
      if (list.length === 0) return [];
      const text: Rich = [{ text: 'Hunt across the fleet for ' }];
      list.forEach((item, i) => {
        if (i > 0) text.push({ text: i === list.length - 1 ? ' and ' : ', ' });
        text.push(...item);
      });
      text.push({ text: ': names made to pass for Windows components tend to be reused.' });
      return [{ phase: 'recovery', text }];
    },
  },
  {
    family: 'hash-hunt',
    steps: (f) => {
      // Not the hashes of Windows' own binaries (rundll32, powershell): only what the incident brought or wrote.
      const written = new Set(f.files.map((x) => normalizePath(x.path)));
      const windows = new Set(
        [...f.graph.procs.values()]
          .filter((p) => p.image !== undefined && isInstalledLocation(p.image) && !written.has(normalizePath(p.image)))
          .flatMap((p) => Object.values(p.hashes ?? {}).map((h) => h.toLowerCase())),
      );
      const hashes = f.iocs
        .filter((i) => i.type === 'sha256' && !windows.has(i.value.toLowerCase()))
        .map((i) => i.value);
      return hashes.length > 0
        ? [
            {
              phase: 'recovery',
              text: rich('Search every endpoint for the SHA256 ', codeList(hashes.slice(0, 5)), '.'),
            },
          ]
        : [];
    },
  },
  {
    family: 'admin-rights',
    steps: (f) => {
      const elevated = [...f.graph.procs.values()].some(
        (p) =>
          p.image !== undefined &&
          !isSystemImage(p.image) &&
          /^(high|system)$/i.test(p.integrity ?? '') &&
          p.user !== undefined &&
          !/system/i.test(p.user),
      );
      const users = humanUsers(f);
      return elevated && users.length > 0
        ? [
            {
              phase: 'recovery',
              text: rich(
                'Remove local administrator rights from ',
                code(users[0].key),
                ' on ',
                f.hostDisplay,
                ' unless needed (its programs ran with High integrity).',
              ),
            },
          ]
        : [];
    },
  },
  {
    family: 'verify-clean',
    steps: (f) => {
      const artifacts = distinct([
        ...f.persistence.map((p) =>
          p.kind === 'run-key'
            ? p.valueName
            : p.kind === 'startup-folder'
              ? baseName(p.path)
              : p.kind === 'wmi-subscription'
                ? (p.consumer ?? p.name ?? '')
                : p.name,
        ),
        ...filesToRemove(f).map((p) => baseName(p)),
      ]).filter((x) => x !== '');
      if (artifacts.length === 0) return [];
      return [
        {
          phase: 'recovery',
          text: rich(
            'After removal, run a full EDR scan of ',
            f.hostDisplay,
            ' and alert for 14 days if any of ',
            codeList(artifacts.slice(0, 5)),
            ' reappears; reimage the host if one does.',
          ),
        },
      ];
    },
  },
];

const PHASE_ORDER: RemediationPhase[] = ['containment', 'eradication', 'recovery'];

/** The default when no family has a specific action: establish whether it was legitimate, then collect. */
function defaultSteps(f: IncidentFacts): RemediationStep[] {
  const users = humanUsers(f);
  const who = users.length > 0 ? code(users[0].key) : 'the user';
  return [
    {
      phase: 'containment',
      family: 'default',
      text: rich(
        'Confirm with ',
        who,
        ' and the owner of ',
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

/** The numbered remediation list for an incident. */
export function remediationSteps(f: IncidentFacts): RemediationStep[] {
  const all: RemediationStep[] = [];
  for (const entry of PLAYBOOK) for (const s of entry.steps(f)) all.push({ ...s, family: entry.family });
  const specific = all.some((s) => s.phase === 'eradication');
  const steps = specific ? all : [...defaultSteps(f), ...all];
  const unique = distinct(steps, (s) => plain(s.text));
  return PHASE_ORDER.flatMap((phase) => unique.filter((s) => s.phase === phase));
}
