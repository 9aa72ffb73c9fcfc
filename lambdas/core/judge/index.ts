/**
 * The judge stage: an incident's severity and priority from its whole chain. Per alert, `alertSignals` reads what it
 * shows; `foldAlerts` keeps that in the incident's compact state (batch by batch, order-independent, capped);
 * `judgeIncident` scores the state with a reason per contribution and applies the written rubric (docs/priority.md).
 */
export { BEHAVIOUR_PHRASES, COMBINATIONS, judgeIncident } from './score';
export type { Judgement } from './score';
export { FACTS, KEY_CAP, emptyJudgeState, foldAlerts } from './state';
export type { Fact, JudgeState } from './state';
export { PRIORITY_BANDS, RUBRIC, applyRubric, bandOf } from './rubric';
export type { Combination, RubricRow, Verdict } from './rubric';
export { WEAK_BEHAVIOURS, alertSignals, signalKey, vendorVerdict } from './signals';
export type { AlertSignals, BehaviourSource, VendorVerdict } from './signals';
export { behaviourOfTechnique } from './technique-behaviours';
