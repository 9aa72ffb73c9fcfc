import { lookupTechnique } from '../enrich/attack';
import type { Behaviour } from '../model/enrichment';

/**
 * ATT&CK techniques read as behaviours: what a Sigma tag or a vendor's technique says the attacker did, in the
 * judge's vocabulary. Exact ids and families first (the most specific entry wins), then the technique's tactics.
 * Kept to techniques whose meaning for triage is clear: a credential-access *tactic* alone (brute force, a password
 * prompt) is not credential theft, and an impact tactic alone (a service stopped) is not ransomware.
 */
const BY_ID: Readonly<Record<string, Behaviour>> = {
  // Ransomware and wipers: recovery inhibited, data encrypted, destroyed or wiped.
  T1486: 'impact',
  T1490: 'impact',
  T1485: 'impact',
  T1561: 'impact',
  // Credential material read: OS dumping, password stores, Kerberos tickets.
  T1003: 'credential-theft',
  T1555: 'credential-theft',
  T1558: 'credential-theft',
  // Command-and-control channels (T1105, a download, is its own behaviour).
  T1071: 'c2',
  T1090: 'c2',
  T1095: 'c2',
  T1102: 'c2',
  T1132: 'c2',
  T1219: 'c2',
  T1568: 'c2',
  T1571: 'c2',
  T1572: 'c2',
  T1573: 'c2',
  T1105: 'download',
  // BITS jobs are filed under persistence too, but what Sigma and vendors see of them is a download.
  T1197: 'download',
  // Logs cleared (v19 ids, and the retired one vendors still send).
  'T1685.005': 'log-clearing',
  'T1685.006': 'log-clearing',
  'T1070.001': 'log-clearing',
  // Defences impaired (v19 Defense Impairment; the retired Impair Defenses family).
  T1685: 'defence-impairment',
  T1686: 'defence-impairment',
  T1687: 'defence-impairment',
  T1688: 'defence-impairment',
  T1689: 'defence-impairment',
  T1690: 'defence-impairment',
  T1562: 'defence-impairment',
  'T1564.012': 'defence-impairment',
  // PsExec-style remote execution, and movement between hosts.
  'T1569.002': 'remote-service',
  T1021: 'lateral-movement',
  T1570: 'lateral-movement',
  T1055: 'injection',
  T1548: 'privilege-escalation',
  T1068: 'privilege-escalation',
  T1134: 'privilege-escalation',
  T1059: 'execution',
  T1204: 'execution',
  T1218: 'execution',
  T1216: 'execution',
  T1220: 'execution',
  T1127: 'execution',
  T1047: 'execution',
  T1036: 'evasion',
  T1027: 'evasion',
  T1140: 'evasion',
  T1564: 'evasion',
  T1070: 'evasion',
  T1112: 'evasion',
  T1497: 'evasion',
};

/** Tactics that name a behaviour on their own, in the order they are tried. */
const BY_TACTIC: readonly [string, Behaviour][] = [
  ['persistence', 'persistence'],
  ['lateral-movement', 'lateral-movement'],
  ['defense-impairment', 'defence-impairment'],
  ['execution', 'execution'],
  ['discovery', 'discovery'],
  ['stealth', 'evasion'],
  ['defense-evasion', 'evasion'],
];

/**
 * The behaviour an ATT&CK technique id shows, or undefined (unknown id, or a technique that says nothing for
 * triage). Retired ids resolve to their replacement first.
 *
 * @example
 * behaviourOfTechnique('T1003.001') // 'credential-theft'
 * behaviourOfTechnique('T1547.001') // 'persistence' (by tactic)
 */
export function behaviourOfTechnique(id: string): Behaviour | undefined {
  const info = lookupTechnique(id);
  const given = id.trim().toUpperCase();
  for (const candidate of [given, given.slice(0, 5), info?.id, info?.parentId]) {
    if (candidate === undefined) continue;
    const hit = BY_ID[candidate];
    if (hit !== undefined) return hit;
  }
  const tactics = info?.tactics ?? [];
  return BY_TACTIC.find(([tactic]) => tactics.includes(tactic))?.[1];
}
