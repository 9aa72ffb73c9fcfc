import { createHash } from 'node:crypto';
import { lookupTechnique } from '../enrich/attack';
import { isPrivateIp } from '../enrich/network';
import { isInstallerNoise, verdictLevel } from '../enrich/severity';
import { DISPOSITION_FLAGS, SIGMA_LEVELS } from '../model/alert';
import type { Alert, Detection } from '../model/alert';
import type { Behaviour, Criticality, EnrichedAlert } from '../model/enrichment';
import {
  BINARY_EXTENSIONS,
  BROWSERS,
  baseKey,
  extensionOf,
  isSystemAncestor,
  isTrustedImage,
  normalizePath,
} from '../windows';
import { behaviourOfTechnique } from './technique-behaviours';

/**
 * What one alert tells the judge: the behaviours it shows (each with where that came from), the facts that decide
 * combinations (the binaries it wrote, the process that connected out), and the context that weighs on priority
 * (account, server, criticality, the vendor's disposition). Pure and deterministic.
 */

/** Behaviours that describe how something looks rather than what it did: they never make an incident on their own. */
export const WEAK_BEHAVIOURS: ReadonlySet<Behaviour> = new Set(['evasion', 'outbound', 'discovery', 'pup']);

/** Where a behaviour was seen (`heuristic "LSASS memory access"`, `Sigma high "…"`) and the technique it names. */
export interface BehaviourSource {
  label: string;
  technique?: string;
}

export interface AlertSignals {
  /** Behaviour → where it came from, and the ATT&CK technique that source names for it. */
  behaviours: Map<Behaviour, BehaviourSource>;
  /** Keys of binaries the alert shows being written (a file create of an .exe, .dll…). */
  written: string[];
  /** Keys (image and process) of a process the alert shows connecting to a public address. */
  outbound: string[];
  /** Keys of the acting process, when the alert shows it doing something malicious (a strong behaviour). */
  tainted: string[];
  /** A threat-intel feed calls a network destination of the alert malicious. */
  intelC2?: string;
  /** The account or token had administrative rights: what it was. */
  elevated?: string;
  /** The host runs a server OS: which. */
  server?: string;
  criticality?: Criticality;
  /** The vendor (EDR, AV) stopped it. */
  blocked: boolean;
  /** Known noise: closed as benign by the vendor, unwanted software, or an informational vendor event. */
  noise?: string;
  /** A posture or compliance check. */
  compliance: boolean;
  /** A vendor verdict of malware, rated medium or above. */
  confirmedMalware?: string;
  /** The vendor rated it critical. */
  vendorCritical: boolean;
  /** Something an analyst would call a detection: a vendor alert or finding, or a Sigma match. */
  detection: boolean;
}

/** 12 characters of a SHA-256: enough to tell paths and processes apart, small enough to keep 32 of each. */
export function signalKey(kind: string, value: string): string {
  return `${kind}:${createHash('sha256').update(value).digest('base64url').slice(0, 12)}`;
}

const imageKey = (host: string, image: string): string => signalKey('img', `${host}\u0000${normalizePath(image)}`);
const procKey = (host: string, p: { guid?: string; pid?: number; image?: string }): string | undefined => {
  if (p.guid !== undefined && !/^[{]?0{8}-/.test(p.guid)) {
    return signalKey('proc', `${host}\u0000${p.guid.toLowerCase().replace(/[{}]/g, '')}`);
  }
  if (p.pid !== undefined && p.image !== undefined)
    return signalKey('pid', `${host}\u0000${p.pid}\u0000${baseKey(p.image)}`);
  return undefined;
};

const VENDOR_EVENT_TYPES: ReadonlySet<string> = new Set(['detection', 'finding', 'malware_detected', 'malware_action']);

/** Vendor detection names that are verdicts: unwanted software first (it is not malware), then malware families. */
const PUP_WORDS =
  /pu[pa]\b|pup[^a-z]|pua[^a-z]|adware|potentially unwanted|unwanted (?:software|application)|bundler|grayware|riskware/i;
const RANSOM_WORDS = /ransom|wiper|crypt(?:o)?locker/i;
const MALWARE_WORDS =
  /malware|trojan|backdoor|virus|worm|rootkit|exploit|hack ?tool|spyware|keylogger|stealer|botnet|downloader|dropper|\brat\b|coinminer|infection/i;

/** What a vendor's detection name says the threat is, when it says: ransomware, malware, or unwanted software. */
export type VendorVerdict = 'ransomware' | 'malware' | 'pup';

/**
 * The verdict in a vendor detection's name, title and description (`Trojan:Win32/…`, `Adware/PUP`, `Known Malware`).
 * Undefined for telemetry (Sysmon, Windows events other than Defender's) and for names that judge nothing.
 */
export function vendorVerdict(alert: Alert): VendorVerdict | undefined {
  if (!VENDOR_EVENT_TYPES.has(alert.eventType)) return undefined;
  // The name decides; the description only when the name says nothing (CrowdStrike's `NGAV` is described as
  // "classified as Adware/PUP"), and then not its boilerplate ("Malware and unwanted software are…").
  const name = detectionName(alert);
  const description = (alert.description ?? '').slice(0, 300).replace(/^malware and unwanted software[^.]*\./i, '');
  for (const words of [name, description]) {
    if (PUP_WORDS.test(words)) return 'pup';
    if (RANSOM_WORDS.test(words)) return 'ransomware';
    if (MALWARE_WORDS.test(words)) return 'malware';
  }
  return undefined;
}

/** The vendor's name for the detection: rule name and title, as written. */
function detectionName(alert: Alert): string {
  return [...new Set([alert.rule?.name, alert.title].filter((x): x is string => x !== undefined))].join(' | ');
}

/** Sigma levels that may set a behaviour: `low` rules describe, they do not accuse. */
const BEHAVIOUR_LEVEL = SIGMA_LEVELS.indexOf('medium');
/** Credential theft, C2 and impact claimed by a rule need a `high` rule: the P1 rows rest on them. */
const STRONG_LEVEL = SIGMA_LEVELS.indexOf('high');
const STRONG_ONLY: ReadonlySet<Behaviour> = new Set(['credential-theft', 'c2', 'impact']);
/** A vendor rating of medium (50) or above: the vendor stands behind what it names. */
const VENDOR_RATED = 50;

const trimLabel = (s: string): string => (s.length > 100 ? `${s.slice(0, 99)}…` : s);

function techniqueIdsOfTags(d: Detection): string[] {
  return d.tags.flatMap((t) => {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t.trim());
    return m === null ? [] : [m[1].toUpperCase()];
  });
}

/**
 * A tool arriving on disk is not yet theft: a rule about a credential-dumping *binary* being written (procdump
 * downloaded by an administrator) counts as a download, its run or its output as theft.
 */
function isToolDrop(alert: EnrichedAlert): boolean {
  return (
    alert.file !== undefined &&
    BINARY_EXTENSIONS.has(extensionOf(alert.file.path)) &&
    alert.process?.image !== alert.file.path
  );
}

/** Administrative rights the alert shows: the token's integrity, or the account. */
function elevation(alert: EnrichedAlert): string | undefined {
  const il = alert.process?.integrityLevel?.trim().toLowerCase();
  if (il === 'system') return 'System integrity';
  if (il === 'high') return 'High integrity';
  const u = alert.user;
  if (u === undefined) return undefined;
  const sid = u.sid?.toUpperCase() ?? '';
  const name = u.name.trim().toLowerCase().replace(/^.*\\/, '');
  if (sid === 'S-1-5-18' || name === 'system' || name === 'localsystem') return 'the SYSTEM account';
  if (/-500$/.test(sid) || name === 'administrator') return 'the built-in Administrator account';
  if (/^(?:svc|srv|sa)[-_.]/.test(name) || /[-_.]svc$/.test(name))
    return `service account ${u.name.trim().slice(0, 40)}`;
  return undefined;
}

/** The host's OS when the asset context or the source says it is a server. */
function serverOs(alert: EnrichedAlert): string | undefined {
  const os = alert.enrichment.asset?.os ?? alert.host.os;
  return os !== undefined && /server/i.test(os) ? os.trim().slice(0, 60) : undefined;
}

/**
 * The signals of one enriched alert.
 *
 * @example
 * alertSignals(lsassAccessAlert).behaviours
 * // Map { 'credential-theft' => { label: 'heuristic "LSASS memory access"', technique: 'T1003.001' } }
 */
export function alertSignals(alert: EnrichedAlert): AlertSignals {
  const host = alert.enrichment.hostKey;
  const behaviours = new Map<Behaviour, BehaviourSource>();
  const add = (b: Behaviour, label: string, technique: string | undefined): void => {
    if (!behaviours.has(b))
      behaviours.set(b, { label: trimLabel(label), ...(technique !== undefined ? { technique } : {}) });
  };

  // A hit that shows several behaviours names a technique for each: the one that reads as that behaviour, else its
  // first (`rundll32 comsvcs.dll MiniDump` is T1218.011 as execution and T1003.001 as credential theft).
  for (const h of alert.enrichment.heuristics) {
    const ids = h.techniques ?? [];
    for (const b of h.behaviours ?? []) {
      add(b, `heuristic "${h.title}"`, ids.find((id) => behaviourOfTechnique(id) === b) ?? ids[0]);
    }
  }

  for (const d of alert.detections ?? []) {
    const level = SIGMA_LEVELS.indexOf(d.level);
    if (level < BEHAVIOUR_LEVEL || isInstallerNoise(alert, d)) continue;
    for (const id of techniqueIdsOfTags(d)) {
      let b = behaviourOfTechnique(id);
      if (b === undefined) continue;
      if (STRONG_ONLY.has(b) && level < STRONG_LEVEL) continue;
      if (b === 'credential-theft' && isToolDrop(alert)) b = 'download';
      add(b, `Sigma ${d.level} "${d.title}"`, id);
    }
  }

  const vendor = VENDOR_EVENT_TYPES.has(alert.eventType);
  const blocked = alert.flags.includes(DISPOSITION_FLAGS.blocked);
  const name = detectionName(alert);
  const verdict = vendorVerdict(alert);
  const pup = verdict === 'pup';
  let confirmedMalware: string | undefined;
  if (vendor) {
    // The vendor's own technique mapping (not the heuristics' or the Sigma tags', counted above) makes a behaviour
    // seen when the vendor rated the detection medium or above; a low-rated mapping is a rule's label, not a finding.
    const rated = alert.severity.score >= VENDOR_RATED;
    const tagged = new Set((alert.detections ?? []).flatMap(techniqueIdsOfTags));
    for (const id of alert.techniques) {
      const t = tagged.has(id) ? undefined : lookupTechnique(id);
      const b = t === undefined ? undefined : behaviourOfTechnique(t.id);
      if (t !== undefined && b !== undefined && rated) {
        add(b, `vendor ${t.id} ${t.name}${name ? ` (${name})` : ''}`, t.id);
      }
    }
    if (verdict === 'pup') add('pup', `vendor verdict "${name}"`, undefined);
    if (verdict === 'ransomware') add('impact', `vendor verdict "${name}"`, 'T1486');
    if (verdict === 'ransomware' || verdict === 'malware') {
      add('malware', `vendor verdict "${name}"`, undefined);
      if (rated && !blocked) confirmedMalware = trimLabel(name);
    }
  }

  const benign = alert.flags.includes(DISPOSITION_FLAGS.benign);
  const compliance = alert.flags.includes(DISPOSITION_FLAGS.compliance);
  const onlyPup = pup && [...behaviours.keys()].every((b) => WEAK_BEHAVIOURS.has(b));
  const informational =
    vendor &&
    alert.severity.vendor !== undefined &&
    alert.severity.score <= 10 &&
    [...behaviours.keys()].every((b) => WEAK_BEHAVIOURS.has(b) || b === 'malware');
  const noise = benign
    ? 'closed as benign by the vendor'
    : onlyPup
      ? 'potentially unwanted software'
      : informational
        ? `an informational ${alert.source.product} event`
        : undefined;

  const written: string[] = [];
  if (
    alert.file !== undefined &&
    !/delete/i.test(alert.eventType) &&
    BINARY_EXTENSIONS.has(extensionOf(alert.file.path))
  ) {
    written.push(imageKey(host, alert.file.path));
  }

  const outbound: string[] = [];
  const n = alert.network;
  const image = alert.process?.image;
  if (
    n?.dstIp !== undefined &&
    n.direction !== 'inbound' &&
    !isPrivateIp(n.dstIp) &&
    image !== undefined &&
    !BROWSERS.has(baseKey(image)) &&
    !isTrustedImage(image)
  ) {
    outbound.push(imageKey(host, image));
    const p = alert.process === undefined ? undefined : procKey(host, alert.process);
    if (p !== undefined) outbound.push(p);
  }

  const tainted: string[] = [];
  const strong = [...behaviours.keys()].some((b) => !WEAK_BEHAVIOURS.has(b) && b !== 'malware');
  if (strong && alert.process !== undefined) {
    const p = procKey(host, alert.process);
    if (p !== undefined) tainted.push(p);
    // Whatever started the harmful process is part of the chain (the stager that ran `schtasks /create`), unless it
    // is the desktop or a service host, which start everything.
    const parent = alert.process.parent;
    const pp =
      parent === undefined || (parent.image !== undefined && isSystemAncestor(parent.image))
        ? undefined
        : procKey(host, parent);
    if (pp !== undefined) tainted.push(pp);
  }

  // A destination a feed calls malicious, contacted: the channel is known bad, whatever the process.
  const malicious = alert.enrichment.intel.find(
    (i) => verdictLevel(i.verdict) === 'malicious' && /^(?:ip|ipv4|ipv6|domain|url)$/i.test(i.type),
  );

  return {
    behaviours,
    written,
    outbound,
    tainted,
    ...(malicious !== undefined
      ? { intelC2: trimLabel(`${malicious.value} (${malicious.source ?? 'threat intel'})`) }
      : {}),
    ...(elevation(alert) !== undefined ? { elevated: elevation(alert) } : {}),
    ...(serverOs(alert) !== undefined ? { server: serverOs(alert) } : {}),
    ...(alert.enrichment.asset?.criticality !== undefined ? { criticality: alert.enrichment.asset.criticality } : {}),
    blocked,
    ...(noise !== undefined ? { noise } : {}),
    compliance,
    ...(confirmedMalware !== undefined ? { confirmedMalware } : {}),
    vendorCritical: vendor && alert.severity.vendor !== undefined && alert.severity.score >= 90,
    detection: vendor || (alert.detections ?? []).length > 0,
  };
}
