/**
 * The detect stage's public API: load rule packs once, build a detector, and for each normalized record get the Sigma
 * rules it matches. Lambda-safe: nothing here parses YAML (see user-rules.ts for that).
 * @example
 * const detector = createDetector([loadBuiltinPack({ disabledRuleIds })]);
 * const matches = detectRecord(detector, record, alert);
 */

export { detectRecord, viewsOf } from './record-views';
export { detectStage, loadDetectStage, toDetection } from './stage';
export type { DetectStage } from './stage';
export { Detector, createDetector, LEVELS, byLevelThenTitle, exclusionOf, levelOf } from './detector';
export type { CompileStats, DetectionMatch, DetectorOptions, DetectorSummary, RuleSelection } from './detector';
export {
  BUILTIN_PACK_FILE,
  PackError,
  compilePack,
  encodePackDocument,
  loadBuiltinPack,
  loadPackFile,
  readPackDocument,
} from './pack';
export type { PackDocument, PackOptions, PackRule, RulePack, RuleSet, UnsupportedRule } from './pack';
// User rules are YAML: `./user-rules` (loadRulesDir, userPackDocument) is for the CLI and `cdk synth` only, and is not
// re-exported here, so that no Lambda bundle carries the YAML parser.
export {
  MAX_VALUE_CHARS,
  ViewFields,
  alertViews,
  integrityLevelName,
  securityProcessCreation,
  sysmonHashes,
  windowsEventViews,
} from './event-view';
export type { EventView } from './event-view';
export { isReachable, logsourceLabel, routeOf, routingKeys, windowsLogsource } from './logsource';
export type { CompiledRule, SigmaLevel, SigmaRuleMeta } from './engine-types';
export type { WindowsLogsource } from './logsource';
export { annotateAlert, techniqueOfTag, MAX_DETECTIONS_PER_ALERT } from './annotate';
