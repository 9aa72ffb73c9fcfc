import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodePackDocument, loadBuiltinPack } from '../lambdas/core/detect';
import { userPackDocument } from '../lambdas/core/detect/user-rules';
import { builtinPackFile } from '../lambdas/core/detect/pack';
import type { Settings } from '../lambdas/adapters/config';

/**
 * The Sigma rules a deployment ships with its ingest function, prepared at synth: the SigmaHQ pack (precompiled in the
 * repository), the SOC's own rules (`a2t:sigmaRulesDir`, parsed and compiled here so a bad rule fails `cdk synth`, not
 * a cold start) and the ids it disables (`a2t:disabledSigmaRules`, checked against both, so a typo is caught).
 */

/** File name of the user pack beside the bundle (the ingest function finds it through ENV.sigmaUserPack). */
export const USER_PACK_FILE = 'sigma-user.json.br';

export interface SigmaDeployment {
  /** Files to copy beside the ingest bundle. */
  bundleFiles: string[];
  /** The user pack's file name, when there is one. */
  userPackFile?: string;
  /** The pipeline's Sigma settings with the context's disabled ids merged in. */
  sigma: Settings['sigma'];
}

export class SigmaConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SigmaConfigError';
  }
}

/**
 * Everything the ingest function needs to run the deployment's rules.
 * @param rulesDir `a2t:sigmaRulesDir` (relative to the CDK app's working directory), or '' for none.
 * @param disabled `a2t:disabledSigmaRules`.
 * @param sigma the `sigma` block of the validated pipeline settings.
 * @param outDir where to write the user pack (default: a fresh temporary folder).
 * @throws SigmaConfigError naming each invalid user rule (file and field) or unknown disabled id.
 */
export function prepareSigmaRules(
  rulesDir: string,
  disabled: readonly string[],
  sigma: Settings['sigma'],
  outDir?: string,
): SigmaDeployment {
  const bundleFiles = [builtinPackFile()];
  const known = new Set(loadBuiltinPack({ all: true }).rules.map((r) => r.meta.id));
  let userPackFile: string | undefined;
  if (rulesDir !== '') {
    const dir = path.resolve(rulesDir);
    const { doc, errors } = userPackDocument(dir);
    if (errors.length > 0) {
      throw new SigmaConfigError(
        `context a2t:sigmaRulesDir (${rulesDir}): ${errors.length} invalid rule(s):\n  ${errors.join('\n  ')}`,
      );
    }
    for (const set of doc.sets) for (const r of set.rules) if (typeof r.doc.id === 'string') known.add(r.doc.id);
    const target = path.join(outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'a2t-sigma-')), USER_PACK_FILE);
    fs.writeFileSync(target, encodePackDocument(doc));
    bundleFiles.push(target);
    userPackFile = USER_PACK_FILE;
  }
  const ids = [...new Set([...sigma.disabledRuleIds, ...disabled])];
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new SigmaConfigError(
      `context a2t:disabledSigmaRules: no rule has the id ${unknown.map((id) => `"${id}"`).join(', ')} (ids are in rules/sigma/ and \`a2t rules check\`)`,
    );
  }
  return {
    bundleFiles,
    ...(userPackFile !== undefined ? { userPackFile } : {}),
    sigma: { ...sigma, disabledRuleIds: ids },
  };
}
