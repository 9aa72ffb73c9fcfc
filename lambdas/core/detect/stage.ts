import type { RawRecord } from '../formats/types';
import type { Alert, Detection } from '../model/alert';
import { annotateAlert } from './annotate';
import { createDetector } from './detector';
import type { DetectionMatch, Detector, DetectorOptions, RuleSelection } from './detector';
import { detectRecord } from './record-views';
import { loadBuiltinPack, loadPackFile } from './pack';
import type { RulePack } from './pack';

/**
 * The detect stage as the pipeline runs it: the packs loaded once (per Lambda container, per CLI run), then one call
 * per normalized record that writes the matches onto the alert. The ingest Lambda, the CLI and the embedded local
 * stack all build it here, so a rule matches the same events everywhere.
 */

export interface DetectStage {
  /** The alert with the rules its record matched (see annotate.ts); the alert unchanged when none did. */
  annotate(alert: Alert, record: RawRecord): Alert;
  readonly detector: Detector;
}

/** What a match keeps on the alert: everything a ticket shows, the author always (DRL 1.1). */
export function toDetection(m: DetectionMatch): Detection {
  return {
    id: m.id,
    title: m.title,
    level: m.level,
    ...(m.status !== undefined ? { status: m.status } : {}),
    tags: m.tags,
    ...(m.author !== undefined ? { author: m.author } : {}),
    ...(m.falsepositives.length > 0 ? { falsepositives: m.falsepositives } : {}),
    pack: m.pack,
  };
}

/** A stage over packs already loaded (the CLI loads user folders from YAML; the Lambda from its bundled files). */
export function detectStage(packs: readonly RulePack[], options: DetectorOptions = {}): DetectStage {
  const detector = createDetector(packs, options);
  return {
    detector,
    annotate: (alert, record) => annotateAlert(alert, detectRecord(detector, record, alert).map(toDetection)),
  };
}

/**
 * The stage a deployment runs: the builtin SigmaHQ pack under the SOC's selection, plus its own rules precompiled at
 * synth when the deployment has any (`a2t:sigmaRulesDir`).
 * @throws PackError when a pack file is missing or unreadable: a broken deployment fails its cold start, loudly.
 */
export function loadDetectStage(selection: RuleSelection, userPackFile?: string): DetectStage {
  const packs = [loadBuiltinPack(selection)];
  if (userPackFile !== undefined && userPackFile !== '') packs.push(loadPackFile(userPackFile, selection));
  return detectStage(packs, selection);
}
