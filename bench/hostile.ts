import { linkKeys } from '../lambdas/core/correlate/keys';
import { emptyMeta, mergeIntoMeta } from '../lambdas/core/correlate/incident-meta';
import { draftReport } from '../lambdas/core/draft';
import { buildSnapshot, enrichAlert } from '../lambdas/core/enrich';
import { capAlert } from '../lambdas/core/formats/cap';
import type { Alert } from '../lambdas/core/model/alert';
import { toView } from '../lambdas/core/model/incident-view';
import { renderAdf } from '../lambdas/core/render';

/**
 * The shapes of alert text that made scans quadratic (issue 15), through enrich, correlation keys, drafting and
 * rendering: one alert whose command line, parent command line, registry value, task action and service path all
 * hold the shape, at the scan window's size (32 KiB) and at 420,000 characters (cut to the field cap first, as
 * normalize does). Before the linear scanners, `-w` + spaces cost ~3 s and `)` runs ~3 s per alert.
 */

export interface HostileRow {
  shape: string;
  chars: number;
  /** Milliseconds for the alert through enrich, link keys, draft and ADF rendering (median of `runs`). */
  ms: number;
}

const SHAPES: Record<string, (n: number) => string> = {
  'C:\\ repeated (path scan)': (n) => 'C:\\'.repeat(Math.ceil(n / 3)),
  '.\\ repeated (path scan)': (n) => '.\\'.repeat(Math.ceil(n / 2)),
  '\\\\a\\ repeated (UNC scan)': (n) => '\\\\a\\'.repeat(Math.ceil(n / 4)),
  '-w + whitespace (hidden window)': (n) => `powershell -w${' '.repeat(n)}x`,
  'URLs ending in 2,000 ) (URL trim)': (n) => `${'http://a.example/'}${')'.repeat(2000)} `.repeat(Math.ceil(n / 2018)),
  'URLs ending in 2,000 . (URL trim)': (n) => `${'http://a.example/'}${'.'.repeat(2000)}a `.repeat(Math.ceil(n / 2019)),
  'a.a.a… (domain scan)': (n) => 'a.'.repeat(Math.ceil(n / 2)),
};

function alertWith(text: string): Alert {
  return capAlert({
    alertId: 'sysmon:bench:microsoft-windows-sysmon/operational:1',
    source: { product: 'sysmon', format: 'sysmon-xml' },
    eventTime: '2024-02-15T21:25:03.000Z',
    receivedTime: '2024-02-15T21:25:10.000Z',
    eventType: 'process_create',
    eventCode: 1,
    host: { name: 'BENCH-WS-001' },
    severity: { score: 20 },
    techniques: [],
    flags: [],
    raw: {},
    rawTruncated: false,
    process: {
      pid: 1,
      image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      commandLine: text,
      parent: { pid: 2, image: 'C:\\Windows\\System32\\cmd.exe', commandLine: text },
    },
    registry: { key: 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run', valueName: 'v', valueData: text },
    task: { name: 't', action: text },
    service: { name: 's', path: text },
  });
}

function once(alert: Alert): number {
  const t0 = performance.now();
  const e = enrichAlert(alert, buildSnapshot([], [], []));
  linkKeys(e);
  const meta = mergeIntoMeta(emptyMeta('INC-BENCH', 'g', e.eventTime, e), {
    alerts: [e],
    duplicates: 0,
    suppressed: 0,
    messageIds: ['m'],
  });
  renderAdf(draftReport(toView(meta, [e])));
  return performance.now() - t0;
}

/** Each shape at each size, `runs` times; the median. */
export function benchHostile(runs = 3): HostileRow[] {
  const rows: HostileRow[] = [];
  for (const [shape, make] of Object.entries(SHAPES)) {
    for (const chars of [32 * 1024, 420_000]) {
      const alert = alertWith(make(chars));
      const times = Array.from({ length: runs }, () => once(alert)).sort((a, b) => a - b);
      rows.push({ shape, chars, ms: Math.round(times[Math.floor(runs / 2)]) });
    }
  }
  return rows;
}

/** The report lines for the hostile-shapes section. */
export function hostileLines(rows: HostileRow[]): string[] {
  return [
    '## Hostile text shapes (one alert, five fields of the shape, enrich → keys → draft → ADF)',
    '',
    '| shape | characters | ms |',
    '|---|---:|---:|',
    ...rows.map((r) => `| ${r.shape.replace(/\|/g, '\\|')} | ${r.chars.toLocaleString('en-US')} | ${r.ms} |`),
    '',
  ];
}

if (require.main === module) {
  process.stdout.write(`${hostileLines(benchHostile()).join('\n')}\n`);
}
