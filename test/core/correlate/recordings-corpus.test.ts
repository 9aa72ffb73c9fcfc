import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { readContextFiles } from '../../../cli/context-files';
import { cliDetectStage } from '../../../cli/detect-stage';
import { readInputs } from '../../../cli/inputs';
import { runInMemory } from '../../../cli/memory-pipeline';
import { DEFAULT_HANDOFF } from '../../../lambdas/core/correlate/incident-meta';
import type { DetectStage } from '../../../lambdas/core/detect';
import { realFixture } from '../../helpers/real-fixtures';

/**
 * One attack, one incident per host, over real recordings: each attack recording of the corpus, the examples and the
 * calibration chains goes through the ingest pipeline in memory (decode, normalize, the shipped Sigma pack, enrich,
 * correlate: what `a2t draft` runs) and must land in exactly one incident on each host it names. The OTRF
 * recordings hold hundreds of events of the recording host's background activity around a seconds-long attack,
 * and the Security log cleared just before it; before this test they made 13 to 28 incidents each.
 *
 * Recordings that are not one attack are listed apart with the reason, and their counts pinned.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const example = (dir: string): string => path.join(ROOT, 'examples', dir);
const chain = (file: string): string => path.join(ROOT, 'test', 'fixtures', 'calibration', 'chains', file);

/** Recordings of one attack (or one detection) on each host they name: name → the file or folder. */
const ATTACKS: Record<string, () => string> = {
  'OTRF bitsadmin download': () =>
    realFixture('otrf-security-datasets/cmd_bitsadmin_download_psh_script_2020-10-2302365189.json'),
  'OTRF Dumpert LSASS dump': () =>
    realFixture('otrf-security-datasets/cmd_lsass_memory_dumpert_syscalls_2020-10-1822561997.json'),
  'OTRF UserInitMprLogonScript': () =>
    realFixture('otrf-security-datasets/cmd_userinitmprlogonscript_batch_2020-10-1922471810.json'),
  'OTRF mavinject DLL injection': () =>
    realFixture('otrf-security-datasets/psh_mavinject_dll_notepad_2020-10-2121410529.json'),
  'Empire stager + scheduled task (XML)': () => realFixture('jymcheong-sysmonresources/schtasksPersistence.xml'),
  'Excel DDE → cmd → calc (NXLog)': () =>
    realFixture('jymcheong-sysmonresources/Excel DDE launch calculator eventlog.txt'),
  'SigmaHQ logon script': () => realFixture('sigmahq-regression-data/9ace0707-b560-49b8-b6ca-5148b42f39fb.json'),
  'SigmaHQ WerFaultSecure LSASS': () =>
    realFixture('sigmahq-regression-data/9f5c1d59-33be-4e60-bcab-85d2f566effd.json'),
  'SigmaHQ bitsadmin': () => realFixture('sigmahq-regression-data/d059842b-6b9d-4ed1-b5c3-5b89143c6ede.json'),
  'Defender 1116 detection': () => realFixture('ocsf-examples/1116.xml'),
  'Elastic Defend prevention': () => realFixture('elastic-endpoint-package/sample_event.json'),
  'CrowdStrike Alerts API (3 hosts)': () => realFixture('elastic-integrations-crowdstrike/test-alert.log'),
  'CrowdStrike detection summary (a near-duplicate pair)': () =>
    realFixture('elastic-integrations-crowdstrike/test-falcon-detection-summary.log'),
  'Graph alert with 4 evidence items': () => realFixture('elastic-integrations-m365-defender/test-alert.log'),
  'SentinelOne threats (2 hosts)': () => realFixture('elastic-integrations-sentinel-one/test-pipeline-threat.log'),
  'Wazuh Shellshock attempt': () => realFixture('wazuh-indexer/wazuh-event.sample.json'),
  'example: procsrv (CISA triage)': () => example('procsrv'),
  'example: Run key (SOC ticket)': () => example('runkey-fin-ws-034'),
  'example: a storm of one EDR detection': () => example('storm-hr-ws-112'),
  'chain: Defender off, then payload': () => chain('defender-off-then-payload.ndjson'),
  'chain: esentutl SAM copy': () => chain('esentutl-sam-copy.ndjson'),
  'chain: eventvwr UAC bypass': () => chain('eventvwr-uac-bypass.ndjson'),
  'chain: log clearing after PowerShell': () => chain('log-clearing-after-powershell.ndjson'),
  'chain: LSASS via comsvcs (server)': () => chain('lsass-comsvcs-server.ndjson'),
  'chain: LSASS via comsvcs (workstation)': () => chain('lsass-comsvcs-workstation.ndjson'),
  'chain: Office intrusion with C2': () => chain('office-intrusion-c2.ndjson'),
  'chain: PsExec service (7045 in local time) and its shell': () => chain('psexec-remote-service.ndjson'),
  'chain: ransomware recovery inhibited': () => chain('ransomware-recovery-inhibited.ndjson'),
  'chain: Task Manager LSASS dump': () => chain('taskmgr-lsass-dump.ndjson'),
};

/** Recordings that are not one attack per host: why, and the incidents per host they make. */
const NOT_ONE_ATTACK: Record<string, { file: () => string; why: string; incidents: Record<string, number> }> = {
  'MDE alerts on testserver4': {
    file: () => realFixture('elastic-integrations-microsoft-defender-endpoint/test-defenderatp.log'),
    why: 'three MDE alerts 24 and 37 minutes apart, two of them closed as benign by MDE’s own investigation',
    incidents: { testserver4: 3 },
  },
  'Falcon EPP detections': {
    file: () => realFixture('elastic-integrations-crowdstrike/test-falcon-epp-detection-summary.log'),
    why:
      'four vendor test records; on ciso-dummy-csdev, Falcon’s own sample detection (`choice /m ' +
      'crowdstrike_sample_detection`, low) and, three minutes later, a blocked Atera install: two findings',
    incidents: { desktop1111: 1, frhostname: 1, 'ciso-dummy-csdev': 2 },
  },
  'Sysmon 9.01 install (Winlogbeat testdata)': {
    file: () => realFixture('elastic-beats/sysmon-9.01.xml'),
    why:
      'benign: Sysmon installed (its config-change event matches a medium rule, the one signal) and Chrome ' +
      'browsing; the rest follows that signal',
    incidents: { 'vagrant-2012-r2': 1 },
  },
  'Sysmon 7 with a failed signature (Elastic Agent)': {
    file: () => realFixture('elastic-integrations-windows-sysmon/test-image-loaded-failed-signature.json'),
    why: 'one image load, no attack',
    incidents: { vagrant: 1 },
  },
  'GuardDuty through Security Hub (ASFF and OCSF)': {
    file: () => realFixture('ocsf-examples/sechub-guardduty.raw'),
    why: 'a cloud finding on an access key, no host',
    incidents: { 'aws::iam::accesskey:asiatmjpc7example': 1 },
  },
  'SecurityScorecard malware sinkhole findings': {
    file: () => realFixture('ocsf-examples/malware_infection_detected_sample.json'),
    why: 'four findings on four public addresses, each its own',
    incidents: { '1.183.190.110': 1, '59.11.81.231': 1, '190.109.227.80': 1, '38.7.186.198': 1 },
  },
  'Winlogbeat registry test': {
    file: () => realFixture('elastic-beats/sysmon-11-registry.evtx.golden.json'),
    why: 'benign: regedit test values and Explorer’s UserAssist, no detection (no ticket)',
    incidents: { vagrant: 2 },
  },
};

/** The calibration set's benign chains: no attack, and no ticket. */
const BENIGN_CHAINS = [
  'benign-admin-console.ndjson',
  'benign-admin-script.ndjson',
  'benign-backup-vss-list.ndjson',
  'benign-browsing.ndjson',
  'benign-chrome-update.ndjson',
  'benign-defender-reads-lsass.ndjson',
  'benign-msi-install.ndjson',
  'benign-outlook-opens-pdf.ndjson',
];

let detect: DetectStage;
beforeAll(() => {
  detect = cliDetectStage([], new PassThrough().resume());
});

/** Incidents per host (host key → count) and ticketed incidents for one recording. */
async function perHost(file: string): Promise<{ incidents: Record<string, number>; tickets: number }> {
  const { snapshot } = readContextFiles([]);
  const run = await runInMemory(await readInputs([file]), snapshot, detect);
  const incidents: Record<string, number> = {};
  for (const v of run.views) for (const h of v.hosts) incidents[h] = (incidents[h] ?? 0) + 1;
  return { incidents, tickets: run.views.filter((v) => v.severity >= DEFAULT_HANDOFF.ticketThreshold).length };
}

describe('one incident per host on attack recordings', () => {
  it.each(Object.entries(ATTACKS))('%s', async (_name, file) => {
    const { incidents } = await perHost(file());
    expect(Object.keys(incidents).length).toBeGreaterThan(0);
    for (const [host, n] of Object.entries(incidents)) expect({ host, incidents: n }).toEqual({ host, incidents: 1 });
  });
});

describe('recordings that are not one attack', () => {
  it.each(Object.entries(NOT_ONE_ATTACK))('%s', async (_name, { file, why, incidents }) => {
    expect(why).not.toBe('');
    expect((await perHost(file())).incidents).toEqual(incidents);
  });
});

describe('two attacks on one host stay two', () => {
  it('keeps the four OTRF recordings of WORKSTATION5, days apart, four incidents when ingested together', async () => {
    const { snapshot } = readContextFiles([]);
    const files = [
      'OTRF bitsadmin download',
      'OTRF Dumpert LSASS dump',
      'OTRF UserInitMprLogonScript',
      'OTRF mavinject DLL injection',
    ].map((name) => ATTACKS[name]());
    const run = await runInMemory(await readInputs(files), snapshot, detect);
    expect(run.views.map((v) => v.hosts)).toEqual([
      ['workstation5'],
      ['workstation5'],
      ['workstation5'],
      ['workstation5'],
    ]);
    // Each incident holds one recording's attack: its tell-tale process and no other's.
    const tools = ['bitsadmin.exe', 'outflank-dumpert.exe', 'reg.exe', 'mavinject.exe'];
    const toolsOf = run.views.map((v) =>
      tools.filter((t) => v.alerts.some((a) => a.process?.image?.toLowerCase().endsWith(`\\${t}`))),
    );
    expect(toolsOf.map((t) => t.length)).toEqual([1, 1, 1, 1]);
    expect(new Set(toolsOf.flat()).size).toBe(4);
  });
});

describe('benign chains', () => {
  it.each(BENIGN_CHAINS)('%s makes one incident and no ticket', async (file) => {
    const { incidents, tickets } = await perHost(chain(file));
    expect(Object.values(incidents)).toEqual([1]);
    expect(tickets).toBe(0);
  });
});
