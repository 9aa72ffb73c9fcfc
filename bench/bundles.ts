import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './corpus';

export interface BundleFigure {
  fn: string;
  bytes: number;
  gzipBytes: number;
  /** Other files shipped beside the bundle (the ingest function's Sigma pack), in bytes. */
  assetBytes: number;
  /** Median wall time to load the bundle in a fresh Node process (module init, no invocation). */
  coldInitMs: number;
}

/**
 * Bundle size per Lambda from a real `cdk synth` (esbuild, minified), and cold init: each bundle loaded in a fresh
 * Node process, with the AWS SDK resolved from node_modules (the Lambda runtime provides it).
 */
export function benchBundles(runs: number): BundleFigure[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-bench-synth-'));
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '-o', out], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const template = JSON.parse(fs.readFileSync(path.join(out, 'AlertToTicket.template.json'), 'utf8')) as {
    Resources: Record<
      string,
      { Type: string; Properties?: { Description?: string }; Metadata?: Record<string, string> }
    >;
  };
  const figures: BundleFigure[] = [];
  for (const r of Object.values(template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function' || r.Metadata?.['aws:asset:path'] === undefined) continue;
    const dir = path.join(out, r.Metadata['aws:asset:path']);
    const bundle = path.join(dir, 'index.js');
    const fn = (r.Properties?.Description ?? '').startsWith('Decodes')
      ? 'ingest'
      : (r.Properties?.Description ?? '').startsWith('Drafts')
        ? 'ticket-sync'
        : 'jira-webhook';
    const bytes = fs.statSync(bundle).size;
    const assetBytes = fs
      .readdirSync(dir)
      .filter((f) => f !== 'index.js' && !f.endsWith('.map'))
      .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
    const gzipBytes = Number(
      execFileSync('sh', ['-c', `gzip -c "${bundle}" | wc -c`])
        .toString()
        .trim(),
    );
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write('\\nA2T_COLD_MS='+String(Number(process.hrtime.bigint()-t)/1e6))`;
      const r2 = spawnSync(process.execPath, ['-e', script], {
        env: {
          ...process.env,
          NODE_PATH: path.join(ROOT, 'node_modules'),
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          A2T_TABLE_NAME: 't',
          A2T_TICKET_SYNC_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/111111111111/q.fifo',
          A2T_JIRA_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:x',
          A2T_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:w',
          A2T_TICKETING_PARAMETER: '/AlertToTicket/ticketing',
          A2T_TICKET_CAP_PARAMETER: '/AlertToTicket/max-tickets-per-hour',
          A2T_JIRA_SITE_URL: 'https://example.atlassian.net',
          A2T_JIRA_PROJECT_KEY: 'SOC',
          A2T_JIRA_ISSUE_TYPE: 'Incident',
          A2T_PRIORITY_NAMES: '{"P1":"Highest","P2":"High","P3":"Medium","P4":"Low"}',
          A2T_SETTINGS: '{}',
        },
        encoding: 'utf8',
      });
      if (r2.status !== 0) throw new Error(`${fn} bundle failed to load: ${r2.stderr.split('\n')[0]}`);
      // The handlers log at init (the ingest function reports its rule count): read only the marked line.
      times.push(Number(/A2T_COLD_MS=([\d.]+)/.exec(r2.stdout)?.[1]));
    }
    times.sort((a, b) => a - b);
    figures.push({
      fn,
      bytes,
      gzipBytes,
      assetBytes,
      coldInitMs: Math.round(times[Math.floor(times.length / 2)] * 10) / 10,
    });
  }
  fs.rmSync(out, { recursive: true, force: true });
  return figures.sort((a, b) => a.fn.localeCompare(b.fn));
}
