/** Rendering: an incident report → Jira ADF (description and comments) and Markdown. */
export { JIRA_MAX_CHARS, renderAdf } from './adf';
export type { AdfRenderOptions } from './adf';
export type { AdfBlock, AdfDoc, AdfInline } from './adf-nodes';
export { validateAdf } from './adf-validate';
export type { AdfValidation } from './adf-validate';
export { renderMarkdown } from './markdown';
export { mdCode, mdCodeBlock, mdText } from './markdown-escape';
export { diffIncident, isEmptyDelta, snapshotOf } from './delta';
export type { IncidentDelta, IncidentSnapshot, SnapshotIoc } from './delta';
export { renderDeltaComment, renderReopenComment, renderUpdateComment } from './comments';
export { SHRINK_LEVELS } from './budget';
export type { RenderBudget } from './budget';
