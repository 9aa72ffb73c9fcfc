import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_PACK_FILE, readPackDocument } from '../../lambdas/core/detect';
import { ROOT } from './helpers';

/**
 * The real thing: the aws-cdk CLI synthesizes the app from cdk.json, bundling each Lambda with the local esbuild
 * and running cdk-nag's AwsSolutions pack. Any unacknowledged finding or bundling failure fails synth.
 */
describe('cdk synth', () => {
  it('bundles every Lambda and passes cdk-nag with no credentials and no Docker', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-synth-'));
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      CDK_DOCKER: 'false',
    };
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '-o', out], {
      cwd: ROOT,
      env,
      stdio: 'pipe',
      timeout: 120_000,
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'AlertToTicket.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const bundles = Object.values(manifest.files).filter((f) => f.source.packaging === 'zip');
    expect(bundles).toHaveLength(3);
    for (const b of bundles) {
      const index = path.join(out, b.source.path, 'index.js');
      expect(fs.statSync(index).size).toBeGreaterThan(0);
      expect(fs.existsSync(`${index}.map`)).toBe(true);
    }
    // The ingest bundle carries the Sigma pack it reads at cold start, and only the ingest bundle does.
    const withPack = bundles.filter((b) => fs.existsSync(path.join(out, b.source.path, BUILTIN_PACK_FILE)));
    expect(withPack).toHaveLength(1);
    const packDir = path.join(out, withPack[0]!.source.path);
    expect(readPackDocument(path.join(packDir, BUILTIN_PACK_FILE)).sets.length).toBeGreaterThan(0);
    fs.rmSync(out, { recursive: true, force: true });
  });
});
