import { detectStage } from '../lambdas/core/detect';
import type { DetectStage } from '../lambdas/core/detect';
import { loadPacks } from './commands/detect';

/**
 * The detect stage for a CLI run: the builtin SigmaHQ pack plus the user's `--rules` folders. An invalid user rule is a
 * line on `err` and exit 2 (loadPacks), so a rule the SOC wrote never silently fails to run.
 */
export function cliDetectStage(rules: readonly string[], err: NodeJS.WritableStream): DetectStage {
  return detectStage(loadPacks({ rules: [...rules] }, err));
}
