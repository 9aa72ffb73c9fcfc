import type { Alert } from './alert';

/** What enrichment adds to an Alert. Pure data: produced by `lambdas/core/enrich`, read by correlate and draft. */

export interface TechniqueInfo {
  /** Current id (a retired id is mapped to its replacement; `retiredFrom` keeps the one the source gave). */
  id: string;
  name: string;
  /** For a sub-technique: the parent's id and name. */
  parentId?: string;
  parentName?: string;
  /** Tactic short names (`persistence`, `defense-evasion`), ATT&CK's own slugs. */
  tactics: string[];
  url: string;
  retiredFrom?: string;
}

export const IOC_TYPES = [
  'ipv4',
  'ipv6',
  'domain',
  'url',
  'md5',
  'sha1',
  'sha256',
  'file',
  'registry',
  'commandline',
  'task',
] as const;
export type IocType = (typeof IOC_TYPES)[number];

export interface Ioc {
  type: IocType;
  /** Verbatim value (data, never markup). */
  value: string;
  /** Display form: `194.165.16[.]89`, `hxxps://evil[.]example/…`; equal to value for non-network types. */
  defanged: string;
  /** Where it was seen: `network destination`, `dns query`, `registry value data`, `process image`… */
  role?: string;
  /** IPs: RFC1918/loopback/link-local/ULA etc. */
  private?: boolean;
  port?: number;
}

/**
 * What an alert shows an attacker doing, in the words a SOC triages by: the closed vocabulary the judge (core/judge)
 * scores an incident with and its rubric decides priority on. Closed on purpose: an incident keeps the set of
 * behaviours it has seen, and that set must stay small whatever the alerts say.
 */
export const BEHAVIOURS = [
  /** Ransomware or wiper behaviour: recovery inhibited, data encrypted or destroyed. */
  'impact',
  /** Credential material read or copied: LSASS memory, the SAM/SECURITY hives, NTDS.dit. */
  'credential-theft',
  /** A command-and-control channel a detection names. */
  'c2',
  /** Defences switched off or blinded: antivirus, firewall, AMSI, audit policy. */
  'defence-impairment',
  /** Event logs cleared. */
  'log-clearing',
  /** A service created or run remotely, PsExec-style. */
  'remote-service',
  /** Movement to another host. */
  'lateral-movement',
  /** Code run inside another process. */
  'injection',
  /** Elevation without consent: UAC bypass, exploitation, token theft. */
  'privilege-escalation',
  /** Something set up to run again at logon or boot. */
  'persistence',
  /** An Office application started a shell or script host. */
  'office-shell',
  /** A browser started a shell or script host. */
  'browser-shell',
  /** A file fetched from the internet by a tool or script (ingress tool transfer). */
  'download',
  /** Code run in a way malware runs it: proxy execution through a signed binary, evasive PowerShell. */
  'execution',
  /** A vendor's malware verdict on a file or process. */
  'malware',
  /** A vendor's verdict of potentially unwanted software (adware, bundlers, PUA). */
  'pup',
  /** Hiding: names that mimic Windows, binaries in writable folders, obfuscation. */
  'evasion',
  /** A process other than a browser or installed software talked to a public address. */
  'outbound',
  /** Looking around: system, account, network discovery. */
  'discovery',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export interface HeuristicHit {
  /** Stable id, e.g. `masquerading-name`, `lolbin-proxy-execution`. */
  id: string;
  title: string;
  /** One or two sentences a person understands: why this is suspicious. */
  explanation: string;
  /** Contribution to the severity score. */
  weight: number;
  /** The concrete value that fired it (path, command line, value name). */
  evidence: string;
  /**
   * ATT&CK techniques the hit shows (`lsass-access` → T1003.001). Optional: alerts enriched before heuristics named
   * techniques are still stored.
   */
  techniques?: string[];
  /** What the hit shows the attacker doing, for the judge. Optional for the same reason. */
  behaviours?: Behaviour[];
}

export interface SeverityAssessment {
  /** 0–100. */
  score: number;
  /** Each reason one short line: `vendor severity high (85)`, `asset criticality critical (+10)`. */
  reasons: string[];
}

export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export interface AssetContext {
  host: string;
  department?: string;
  owner?: string;
  criticality?: Criticality;
  os?: string;
}

export interface UserContext {
  user: string;
  name?: string;
  department?: string;
  title?: string;
}

export interface IndicatorContext {
  /** ip, domain, url, md5, sha1, sha256, file… */
  type: string;
  value: string;
  source?: string;
  /** malicious, suspicious, benign… as the feed says. */
  verdict?: string;
}

/** Context preloaded for one batch (the adapter fetches it; enrichment stays pure). Keys are normalized. */
export interface ContextSnapshot {
  /** hostKey (see model/host.ts) → asset. */
  assets: Map<string, AssetContext>;
  /** lower-case user name without domain → user. */
  users: Map<string, UserContext>;
  /** `${type}#${lower-case value}` → indicator. */
  indicators: Map<string, IndicatorContext>;
}

export function emptyContext(): ContextSnapshot {
  return { assets: new Map(), users: new Map(), indicators: new Map() };
}

export interface Enrichment {
  hostKey: string;
  techniques: TechniqueInfo[];
  iocs: Ioc[];
  heuristics: HeuristicHit[];
  /** Threat-intel indicators that matched one of the IOCs. */
  intel: IndicatorContext[];
  severity: SeverityAssessment;
  asset?: AssetContext;
  userContext?: UserContext;
}

export type EnrichedAlert = Alert & { enrichment: Enrichment };
