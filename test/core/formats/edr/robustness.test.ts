import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { edrAdapters } from '../../../../lambdas/core/formats/edr';
import { RecordRejected } from '../../../../lambdas/core/formats/types';
import type { RawRecord } from '../../../../lambdas/core/formats/types';
import { AlertSchema } from '../../../../lambdas/core/model/alert';
import { CTX, OWN_DIR, claimants, loadRecords, run, valueRecord, variant } from './helpers';

/** Hostile and broken variants of every vendor's record: a reason, never a crash, never a second claimant. */

type Json = Record<string, unknown>;

/** Sets (or deletes, for `undefined`) the value at a key path; keys may contain dots (`kibana.alert.risk_score`). */
function setAt(obj: Json, keys: string[], value: unknown): void {
  let cur: Json = obj;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Json;
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

const own = (file: string, index = 0): unknown => loadRecords(path.join(OWN_DIR, file))[index].value;

interface VendorCase {
  adapter: string;
  record: unknown;
  removeHost: (v: Json) => void;
  severity: string[];
  /** Every time field the adapter reads, the one it prefers first. */
  times: string[][];
}

const CASES: VendorCase[] = [
  {
    adapter: 'crowdstrike-detection-summary',
    record: own('crowdstrike-detection-summary.json'),
    removeHost: (v) => setAt(v, ['event', 'ComputerName'], undefined),
    severity: ['event', 'Severity'],
    times: [['metadata', 'eventCreationTime']],
  },
  {
    adapter: 'crowdstrike-epp-detection-summary',
    record: own('crowdstrike-epp-detection-summary.ndjson'),
    removeHost: (v) => setAt(v, ['event', 'Hostname'], undefined),
    severity: ['event', 'Severity'],
    times: [['metadata', 'eventCreationTime']],
  },
  {
    adapter: 'crowdstrike-alerts-v2',
    record: own('crowdstrike-alerts-v2.ndjson'),
    removeHost: (v) => setAt(v, ['device'], undefined),
    severity: ['severity'],
    times: [['timestamp'], ['created_timestamp']],
  },
  {
    adapter: 'crowdstrike-alerts-v2',
    record: own('crowdstrike-alerts-v2.ndjson', 1),
    removeHost: (v) => setAt(v, ['source_endpoint_host_name'], undefined),
    severity: ['severity'],
    times: [['timestamp'], ['created_timestamp']],
  },
  {
    adapter: 'defender-mde-alert',
    record: own('defender-mde-alerts.ndjson'),
    removeHost: (v) => setAt(v, ['computerDnsName'], undefined),
    severity: ['severity'],
    times: [['alertCreationTime'], ['firstEventTime']],
  },
  {
    adapter: 'defender-graph-alert',
    record: own('defender-graph-alert.json'),
    removeHost: (v) => {
      v.evidence = (v.evidence as Json[]).filter((e) => !String(e['@odata.type']).endsWith('deviceEvidence'));
    },
    severity: ['severity'],
    times: [['createdDateTime'], ['firstActivityDateTime']],
  },
  {
    adapter: 'sentinelone-threat',
    record: own('sentinelone-threats.ndjson'),
    removeHost: (v) => setAt(v, ['agentRealtimeInfo', 'agentComputerName'], undefined),
    severity: ['threatInfo', 'confidenceLevel'],
    times: [
      ['threatInfo', 'identifiedAt'],
      ['threatInfo', 'createdAt'],
    ],
  },
  {
    adapter: 'elastic-defend-alert',
    record: own('elastic-security-alert.json'),
    removeHost: (v) => setAt(v, ['host'], undefined),
    severity: ['kibana.alert.risk_score'],
    times: [['@timestamp'], ['kibana.alert.original_time']],
  },
  {
    adapter: 'ocsf-finding',
    record: own('ocsf-detection-finding.json'),
    removeHost: (v) => setAt(v, ['device'], undefined),
    severity: ['severity_id'],
    times: [['finding_info', 'created_time'], ['time']],
  },
  {
    adapter: 'securityhub-asff',
    record: own('securityhub-asff-ec2.json'),
    removeHost: (v) => setAt(v, ['Resources'], undefined),
    severity: ['Severity', 'Label'],
    times: [['CreatedAt'], ['FirstObservedAt'], ['UpdatedAt']],
  },
  {
    adapter: 'wazuh-alert',
    record: own('wazuh-alert.json'),
    removeHost: (v) => setAt(v, ['agent', 'name'], undefined),
    severity: ['rule', 'level'],
    times: [['timestamp']],
  },
  {
    // The generic shape is recognised by its host key, so an empty host (not an absent one) is the broken case.
    adapter: 'generic-alert',
    record: own('generic-alert.json'),
    removeHost: (v) => setAt(v, ['host'], ''),
    severity: ['severity'],
    times: [['time']],
  },
];

/** Runs the claiming adapter directly and returns the rejection reason; fails on an alert or any other error. */
function rejectionOf(record: RawRecord): string {
  const adapter = edrAdapters.find((a) => a.detect(record));
  if (adapter === undefined) throw new Error('no adapter claimed the record');
  try {
    adapter.normalize(record, CTX);
  } catch (err) {
    if (err instanceof RecordRejected) return err.message;
    throw err;
  }
  throw new Error('expected a RecordRejected');
}

describe('every vendor format', () => {
  it.each(CASES)('$adapter: the intact record is an alert', ({ adapter, record }) => {
    const out = run(valueRecord(record));
    expect(out.adapter?.id).toBe(adapter);
    expect(out.alert?.source.format).toBe(adapter);
  });

  it.each(CASES)(
    '$adapter: without its host the record is rejected as missing host',
    ({ adapter, record, removeHost }) => {
      const broken = variant(record, removeHost);
      expect(claimants(broken)).toEqual([adapter]);
      expect(rejectionOf(broken)).toMatch(/^missing host: /);
    },
  );

  it.each(CASES)('$adapter: a severity that is an object is rejected', ({ adapter, record, severity }) => {
    const broken = variant(record, (v) => setAt(v, severity, { level: 'high' }));
    expect(claimants(broken)).toEqual([adapter]);
    expect(rejectionOf(broken)).toMatch(/^invalid severity in /);
  });

  it.each(CASES)('$adapter: a time that is `true` is rejected', ({ adapter, record, times }) => {
    const broken = variant(record, (v) => setAt(v, times[0], true));
    expect(claimants(broken)).toEqual([adapter]);
    expect(rejectionOf(broken)).toBe(`invalid timestamp in ${times[0].join('.')}: "true"`);
  });

  it.each(CASES)(
    '$adapter: a record with no time at all is rejected, naming the fields',
    ({ adapter, record, times }) => {
      const broken = variant(record, (v) => times.forEach((t) => setAt(v, t, undefined)));
      expect(claimants(broken)).toEqual([adapter]);
      const reason = rejectionOf(broken);
      expect(reason).toMatch(/^missing timestamp: none of /);
      expect(reason).toContain(times[0].join('.'));
    },
  );
});

describe('detection', () => {
  it('claims each own fixture record with exactly one adapter', () => {
    const files = fs.readdirSync(OWN_DIR);
    expect(files.length).toBe(11);
    for (const file of files) {
      for (const record of loadRecords(path.join(OWN_DIR, file))) {
        expect({ file, claimants: claimants(record).length }).toEqual({ file, claimants: 1 });
      }
    }
  });

  it('claims no plain value, empty object or bare envelope', () => {
    for (const value of [null, 42, 'text', [], {}, { value: [] }, { Type: 'Notification', Message: '{}' }]) {
      expect(claimants(valueRecord(value))).toEqual([]);
    }
  });

  it('leaves a flat Sysmon JSON event with a host and a rule name to the Sysmon adapters', () => {
    const sysmon = { EventID: 13, Hostname: 'FIN-WS-034', host: 'FIN-WS-034', RuleName: 'T1547', rule: 'x' };
    expect(claimants(valueRecord(sysmon))).toEqual([]);
  });
});

describe('limits', () => {
  const record = own('crowdstrike-epp-detection-summary.ndjson') as Json;

  it('caps the raw record and says so', () => {
    const adapter = edrAdapters.find((a) => a.id === 'crowdstrike-epp-detection-summary');
    if (adapter === undefined) throw new Error('adapter missing');
    const raw = valueRecord(record);
    const alert = AlertSchema.parse(adapter.normalize(raw, { ...CTX, maxRawBytes: 256 }));
    expect(alert.rawTruncated).toBe(true);
    expect(alert.flags).toContain('raw-truncated');
    expect(alert.raw).toBe(raw.text.slice(0, 256));
  });

  it('caps an oversized command line and flags it', () => {
    const huge = variant(record, (v) => setAt(v, ['event', 'CommandLine'], `cmd /c ${'A'.repeat(40_000)}`));
    const alert = run(huge).alert;
    expect(alert?.process?.commandLine).toHaveLength(32_769);
    expect(alert?.flags).toContain('field-truncated');
  });

  it('caps the artifact list and flags it', () => {
    const files = Array.from({ length: 150 }, (_, i) => ({ FileName: `f${i}.exe`, FilePath: 'C:\\Temp' }));
    const alert = run(variant(record, (v) => setAt(v, ['event', 'FilesWritten'], files))).alert;
    expect(alert?.artifacts).toHaveLength(100);
    expect(alert?.flags).toContain('artifacts-capped');
  });

  it('carries control characters and markup in fields verbatim, as data', () => {
    const name = '<script>alert(1)</script>\u0007';
    const alert = run(variant(record, (v) => setAt(v, ['event', 'Name'], name))).alert;
    expect(alert?.rule?.name).toBe(name);
  });

  it('ignores a __proto__ key in the record', () => {
    const text = JSON.stringify(record).replace('{"Hostname"', '{"__proto__":{"polluted":true},"Hostname"');
    const out = run({ value: JSON.parse(text), kind: 'json', position: 'line 1', text, envelopes: [] });
    expect(out.alert?.host.name).toBe('FIN-WS-034');
    expect(({} as Json).polluted).toBeUndefined();
  });
});

/** Every path to a value inside a JSON document, so a property test can break any of them. */
function paths(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (typeof v === 'object' && v !== null) {
    for (const [k, child] of Object.entries(v)) {
      out.push([...prefix, k]);
      paths(child, [...prefix, k], out);
    }
  }
  return out;
}

describe('property: any one field replaced by any JSON value', () => {
  const samples = fs
    .readdirSync(OWN_DIR)
    .flatMap((f) => loadRecords(path.join(OWN_DIR, f)))
    .map((r) => ({ value: r.value, paths: paths(r.value) }));

  it('gives a schema-valid alert, a RecordRejected or no claimant: never another error', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: samples.length - 1 }),
        fc.nat(),
        fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
        (sampleIndex, pathIndex, replacement) => {
          const sample = samples[sampleIndex];
          const keys = sample.paths[pathIndex % sample.paths.length];
          const record = variant(sample.value, (v) => setAt(v, keys, replacement));
          const out = run(record);
          expect(out.alert !== undefined || typeof out.reason === 'string').toBe(true);
        },
      ),
      { numRuns: 1500, seed: 20260101 },
    );
  });
});
