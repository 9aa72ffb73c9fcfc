/**
 * A deterministic alert-storm generator: N alerts from M attacks across H hosts, with duplication (forwarder
 * resends, SQS redelivery) and burstiness. Records take the shape of the real OTRF Sysmon exports (flat EventData
 * beside Hostname/EventID/Channel), so they go through the real decoder and the `sysmon-flat` adapter.
 */
export interface StormSpec {
  alerts: number;
  attacks: number;
  hosts: number;
  /** Share of messages that repeat an earlier one exactly. */
  duplicateRate: number;
  seed: number;
}

export const DEFAULT_STORM: StormSpec = { alerts: 10_000, attacks: 50, hosts: 20, duplicateRate: 0.1, seed: 42 };

/** Deterministic PRNG (mulberry32): the same seed gives the same corpus or workload on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TECHNIQUES = [
  ['T1547.001', 'Registry Run Keys / Startup Folder', 13],
  ['T1053.005', 'Scheduled Task', 1],
  ['T1003.001', 'LSASS Memory', 10],
  ['T1218.011', 'Rundll32', 1],
  ['T1059.001', 'PowerShell', 1],
] as const;

const guid = (r: () => number): string => {
  const h = () =>
    Math.floor(r() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `{${h()}${h()}-${h()}-${h()}-${h()}-${h()}${h()}${h()}}`.toUpperCase();
};

/** Message bodies in arrival order (duplicates included). */
export function generateStorm(spec: StormSpec = DEFAULT_STORM): string[] {
  const r = mulberry32(spec.seed);
  const unique = Math.round(spec.alerts * (1 - spec.duplicateRate));
  const attacks = Array.from({ length: spec.attacks }, (_, i) => {
    const [id, name, eventId] = TECHNIQUES[i % TECHNIQUES.length];
    return {
      host: `WS-${String(i % spec.hosts).padStart(3, '0')}.corp.example.com`,
      technique: id,
      name,
      eventId,
      start: Date.parse('2026-11-20T08:00:00Z') + i * 7 * 60_000,
      process: guid(r),
      pid: 1000 + Math.floor(r() * 60000),
    };
  });
  const bodies: string[] = [];
  for (let n = 0; n < unique; n++) {
    // Bursty: a few attacks produce most alerts (a storm), the rest a handful each.
    const a = attacks[Math.floor(r() ** 3 * attacks.length)];
    const t = new Date(a.start + Math.floor(r() * 20 * 60_000)).toISOString();
    bodies.push(
      JSON.stringify({
        SourceName: 'Microsoft-Windows-Sysmon',
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        Hostname: a.host,
        EventID: a.eventId,
        EventRecordID: 100_000 + n,
        UtcTime: t.replace('T', ' ').replace('Z', ''),
        RuleName: `technique_id=${a.technique},technique_name=${a.name}`,
        ProcessGuid: a.process,
        ProcessId: a.pid,
        Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
        User: 'CORP\\analyst',
        ...(a.eventId === 13
          ? {
              EventType: 'SetValue',
              TargetObject: `HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater${n % 3}`,
              Details: 'C:\\ProgramData\\upd.exe',
            }
          : {}),
        ...(a.eventId === 10
          ? {
              SourceProcessGUID: a.process,
              SourceImage: 'C:\\Temp\\d.exe',
              TargetImage: 'C:\\Windows\\system32\\lsass.exe',
              GrantedAccess: '0x1010',
            }
          : {}),
        ...(a.eventId === 1
          ? { CommandLine: `powershell -nop -w hidden -c "iex ${n}"`, ParentImage: 'C:\\Windows\\explorer.exe' }
          : {}),
      }),
    );
  }
  const withDuplicates = [...bodies];
  for (let d = unique; d < spec.alerts; d++) {
    const at = Math.floor(r() * withDuplicates.length);
    withDuplicates.splice(at, 0, bodies[Math.floor(r() * bodies.length)]);
  }
  return withDuplicates;
}
