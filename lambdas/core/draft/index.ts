/** Drafting: an incident and its alerts → the incident report an analyst would write. */
export { draftReport } from './draft';
export type { DraftConfig } from './draft';
export type { DraftLimits } from './limits';
export { DEFAULT_LIMITS } from './limits';
export { DEFAULT_PRIORITY, higherPriority, priorityFor, severityWord } from './priority';
export type { PriorityConfig } from './priority';
export { incidentLabel, labelsFor, safeLabel, techniqueSlugs } from './labels';
export { SUMMARY_MAX } from './summary-line';
export { WHAT_HAPPENED, tacticName } from './techniques';
export { PLAYBOOK } from './playbook';
export { VECTOR_RULES } from './root-cause';
export { oneLine, plain, utc, visible } from './text';
