import { tacticName as attackTacticName } from '../enrich';
import type { TechniqueInfo } from '../model/enrichment';

/**
 * ATT&CK display data the report needs beyond TechniqueInfo: tactic display names, how significant a tactic is
 * for a ticket summary, and the analyst's phrase for "what happened" per technique family.
 */

/** Display name of a tactic shortname (ATT&CK's table); an unknown slug is title-cased rather than dropped. */
export function tacticName(slug: string): string {
  return (
    attackTacticName(slug) ??
    slug
      .split(/[-_\s]+/)
      .filter((w) => w !== '')
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join(' ')
  );
}

/**
 * How much a tactic says about harm done, for choosing the technique a summary leads with: impact and theft
 * outrank a foothold, a foothold outranks the tools used to get it, discovery is the least telling.
 */
const TACTIC_WEIGHT: Readonly<Record<string, number>> = {
  impact: 30,
  exfiltration: 28,
  'credential-access': 26,
  'lateral-movement': 24,
  'command-and-control': 22,
  persistence: 20,
  'privilege-escalation': 16,
  'initial-access': 14,
  execution: 12,
  collection: 10,
  'defense-impairment': 8,
  'defense-evasion': 6,
  stealth: 6,
  discovery: 4,
  'resource-development': 2,
  reconnaissance: 0,
};

export function tacticWeight(tactics: string[]): number {
  return tactics.reduce((best, tac) => Math.max(best, TACTIC_WEIGHT[tac] ?? 0), 0);
}

/** Vehicles the summary may name. A fixed vocabulary: the summary never carries free alert text. */
export const VEHICLES = {
  rundll32: 'via rundll32 DLL',
  regsvr32: 'via regsvr32',
  mshta: 'via mshta',
  powershell: 'via PowerShell',
  scriptHost: 'via Windows Script Host',
  cmd: 'via cmd.exe',
  scheduledTask: 'via scheduled task',
  service: 'via Windows service',
  wmi: 'via WMI',
  lsass: 'of LSASS memory',
} as const;
export type Vehicle = (typeof VEHICLES)[keyof typeof VEHICLES];

/** The vehicle a command line or value data runs through, from the program it starts. */
export function vehicleOfCommand(command: string | undefined): Vehicle | undefined {
  if (command === undefined) return undefined;
  const s = command.toLowerCase();
  if (/\brundll32(\.exe)?\b/.test(s)) return VEHICLES.rundll32;
  if (/\bregsvr32(\.exe)?\b/.test(s)) return VEHICLES.regsvr32;
  if (/\bmshta(\.exe)?\b/.test(s)) return VEHICLES.mshta;
  if (/\b(powershell|pwsh)(\.exe)?\b/.test(s)) return VEHICLES.powershell;
  if (/\b(wscript|cscript)(\.exe)?\b/.test(s)) return VEHICLES.scriptHost;
  if (/\bcmd(\.exe)?\s+\/[ck]\b/.test(s)) return VEHICLES.cmd;
  return undefined;
}

/**
 * What happened, per technique (exact id first, then its parent). `vehicle` says where the vehicle comes from:
 * `payload` = the command the persistence or execution starts, `fixed` = always the given vehicle.
 */
export interface WhatEntry {
  what: string;
  vehicle?: 'payload' | Vehicle;
}

export const WHAT_HAPPENED: Readonly<Record<string, WhatEntry>> = {
  'T1547.001': { what: 'Registry Run Key Persistence', vehicle: 'payload' },
  T1547: { what: 'Boot or Logon Autostart Persistence', vehicle: 'payload' },
  'T1053.005': { what: 'Scheduled Task Persistence', vehicle: 'payload' },
  T1053: { what: 'Scheduled Task Persistence', vehicle: 'payload' },
  'T1543.003': { what: 'Windows Service Persistence', vehicle: 'payload' },
  T1543: { what: 'System Process Persistence', vehicle: 'payload' },
  'T1546.003': { what: 'WMI Event Subscription Persistence' },
  T1546: { what: 'Event-Triggered Persistence', vehicle: 'payload' },
  'T1003.001': { what: 'Credential Dumping', vehicle: VEHICLES.lsass },
  'T1003.002': { what: 'Credential Dumping of the SAM Hive' },
  'T1003.003': { what: 'Credential Dumping of the NTDS Database' },
  'T1003.004': { what: 'LSA Secrets Dumping' },
  'T1003.006': { what: 'DCSync Credential Theft' },
  T1003: { what: 'Credential Dumping' },
  'T1037.001': { what: 'Logon Script Persistence', vehicle: 'payload' },
  T1037: { what: 'Logon Script Persistence', vehicle: 'payload' },
  'T1547.004': { what: 'Winlogon Helper Persistence', vehicle: 'payload' },
  'T1218.011': { what: 'System Binary Proxy Execution via rundll32' },
  'T1218.010': { what: 'System Binary Proxy Execution via regsvr32' },
  'T1218.005': { what: 'System Binary Proxy Execution via mshta' },
  T1218: { what: 'System Binary Proxy Execution' },
  'T1059.001': { what: 'Malicious PowerShell Execution' },
  'T1059.003': { what: 'Windows Command Shell Execution' },
  'T1059.005': { what: 'VBScript Execution' },
  'T1059.007': { what: 'JavaScript Execution' },
  T1059: { what: 'Command and Scripting Interpreter Execution' },
  T1047: { what: 'WMI Execution' },
  'T1218.013': { what: 'DLL Injection via Mavinject' },
  T1105: { what: 'Ingress Tool Transfer' },
  'T1071.001': { what: 'Command-and-Control over HTTP(S)' },
  'T1071.004': { what: 'Command-and-Control over DNS' },
  T1071: { what: 'Command-and-Control Communication' },
  T1095: { what: 'Command-and-Control over a Non-Application Protocol' },
  T1571: { what: 'Command-and-Control over a Non-Standard Port' },
  T1573: { what: 'Encrypted Command-and-Control Channel' },
  T1036: { what: 'Masquerading' },
  'T1070.004': { what: 'Indicator Removal by File Deletion' },
  T1070: { what: 'Indicator Removal' },
  'T1055.001': { what: 'DLL Injection' },
  'T1055.012': { what: 'Process Hollowing' },
  T1055: { what: 'Process Injection' },
  T1082: { what: 'System Information Discovery' },
  'T1021.001': { what: 'Lateral Movement over RDP' },
  'T1021.002': { what: 'Lateral Movement over Admin Shares' },
  'T1021.006': { what: 'Lateral Movement over WinRM' },
  T1021: { what: 'Lateral Movement over Remote Services' },
  'T1569.002': { what: 'Remote Service Execution (PsExec-style)' },
  'T1685.005': { what: 'Windows Event Log Clearing' },
  'T1685.001': { what: 'Windows Event Logging Disabled' },
  T1685: { what: 'Security Tool Tampering' },
  'T1686.003': { what: 'Host Firewall Disabled' },
  'T1564.012': { what: 'Antivirus Exclusion Added' },
  'T1036.002': { what: 'Right-to-Left Override Masquerading' },
  'T1036.005': { what: 'Masquerading as a Windows Component' },
  T1189: { what: 'Drive-by Compromise' },
  T1486: { what: 'Data Encrypted for Impact' },
  T1490: { what: 'Inhibit System Recovery' },
  'T1562.001': { what: 'Security Tool Tampering' },
  T1112: { what: 'Registry Modification' },
  'T1548.002': { what: 'UAC Bypass' },
  T1197: { what: 'BITS Job Abuse' },
  T1027: { what: 'Obfuscated Payload' },
  T1140: { what: 'Payload Deobfuscation' },
  'T1204.002': { what: 'User Execution of a Malicious File' },
  T1566: { what: 'Phishing' },
};

/** Without any technique: the phrase for the event type of the most severe alert. */
export const WHAT_BY_EVENT_TYPE: Readonly<Record<string, string>> = {
  process_create: 'Suspicious Process Execution',
  log_cleared: 'Event Log Cleared',
  service_install: 'Service Installed',
  scheduled_task_create: 'Scheduled Task Created',
  user_create: 'User Account Created',
  group_member_add: 'Security Group Member Added',
  script_block: 'PowerShell Script Executed',
  malware_detected: 'Malware Detected',
  malware_action: 'Malware Remediated',
  finding: 'Security Finding',
  registry_value_set: 'Suspicious Registry Modification',
  registry_key_create: 'Suspicious Registry Modification',
  registry_event: 'Suspicious Registry Modification',
  file_create: 'Suspicious File Creation',
  file_delete: 'Suspicious File Deletion',
  network_connect: 'Suspicious Network Connection',
  dns_query: 'Suspicious DNS Query',
  process_access: 'Suspicious Process Access',
  create_remote_thread: 'Remote Thread Injection',
  image_load: 'Suspicious Module Load',
  driver_load: 'Suspicious Driver Load',
  detection: 'Endpoint Detection',
};

/**
 * What happened for a technique: its own entry; for a sub-technique without one, its parent's phrase carrying the
 * sub-technique's own ATT&CK name (T1546.008 → `Accessibility Features Persistence`, never the parent's plain
 * `Event-Triggered Persistence`); else ATT&CK's name (`Parent: Sub` for a sub-technique).
 */
export function whatOf(info: TechniqueInfo): WhatEntry {
  const own = WHAT_HAPPENED[info.id];
  if (own !== undefined) return own;
  const parent = info.parentId !== undefined ? WHAT_HAPPENED[info.parentId] : undefined;
  if (parent === undefined) return { what: displayName(info) };
  const sub = info.name;
  const suffix = / (Persistence|Execution)$/.exec(parent.what)?.[1];
  const what = suffix !== undefined ? `${sub} ${suffix}` : `${parent.what}: ${sub}`;
  return parent.vehicle === 'payload' ? { what, vehicle: 'payload' } : { what };
}

/** ATT&CK's own name for display: `Parent: Sub` for a sub-technique, as ATT&CK writes it. */
export function displayName(info: TechniqueInfo): string {
  return info.parentName !== undefined ? `${info.parentName}: ${info.name}` : info.name;
}
