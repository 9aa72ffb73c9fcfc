import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app-builder';
import { USER_PACK_FILE, prepareSigmaRules } from '../../lib/sigma-rules';
import { readPackDocument } from '../../lambdas/core/detect';
import { settingsOf } from '../../lambdas/adapters/config';
import { templateOnlyContext } from './helpers';

/** A SigmaHQ rule id that exists in the shipped pack (Enumerate All Information With Whoami.EXE). */
const WHOAMI_ALL = 'c248c896-e412-4279-8c15-1c558067b6fa';

const RULE = `title: Test rule of the SOC
id: 0e0b4c3c-6a8e-4a4e-9a55-3d0e6c8b9f01
status: test
author: SOC team
level: high
logsource:
  product: windows
  category: process_creation
detection:
  selection:
    Image|endswith: '\\\\evil.exe'
  condition: selection
`;

function rulesDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-rules-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The ingest function's environment in a synthesized template. */
function ingestEnvironment(context: Record<string, unknown>): Record<string, string> {
  const template = Template.fromStack(buildApp({ context: templateOnlyContext(context) }).stack);
  const fns = template.findResources('AWS::Lambda::Function');
  const ingest = Object.entries(fns).find(([id]) => id.includes('IngestFn'));
  return (ingest![1].Properties.Environment as { Variables: Record<string, string> }).Variables;
}

describe('Sigma rules at synth', () => {
  it('packs a folder of user rules beside the builtin pack and names it in the environment', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-pack-'));
    const prepared = prepareSigmaRules(rulesDir({ 'soc.yml': RULE }), [], settingsOf({}).sigma, out);
    expect(prepared.bundleFiles).toHaveLength(2);
    expect(prepared.userPackFile).toBe(USER_PACK_FILE);
    const doc = readPackDocument(path.join(out, USER_PACK_FILE));
    expect(doc.sets[0]!.rules.map((r) => r.doc.id)).toEqual(['0e0b4c3c-6a8e-4a4e-9a55-3d0e6c8b9f01']);
  });

  it('fails with the file and field of an invalid user rule', () => {
    const dir = rulesDir({ 'bad.yml': RULE.replace('Image|endswith', 'Image|endswiht') });
    expect(() => prepareSigmaRules(dir, [], settingsOf({}).sigma)).toThrow(/a2t:sigmaRulesDir.*\n.*bad\.yml.*endswiht/);
  });

  it('fails the synth on a disabled id no rule has, and merges known ones into the ingest settings', () => {
    expect(() => buildApp({ context: templateOnlyContext({ 'a2t:disabledSigmaRules': 'not-a-rule-id' }) })).toThrow(
      /a2t:disabledSigmaRules: no rule has the id "not-a-rule-id"/,
    );
    const env = ingestEnvironment({
      'a2t:disabledSigmaRules': WHOAMI_ALL,
      'a2t:settings': '{"sigma":{"includeExperimental":true}}',
    });
    const settings = JSON.parse(env.A2T_SETTINGS!) as { sigma: Record<string, unknown> };
    expect(settings.sigma).toEqual({
      disabledRuleIds: [WHOAMI_ALL],
      includeExperimental: true,
      includeThreatHunting: false,
      minLevel: 'informational',
    });
    expect(env.A2T_SIGMA_USER_PACK).toBeUndefined();
  });

  it('sets the user pack variable only when the deployment has its own rules', () => {
    const env = ingestEnvironment({ 'a2t:sigmaRulesDir': rulesDir({ 'soc.yml': RULE }) });
    expect(env.A2T_SIGMA_USER_PACK).toBe(USER_PACK_FILE);
  });
});
