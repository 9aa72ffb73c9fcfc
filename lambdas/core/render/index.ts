/** Rendering: an incident report → Jira ADF (description and comments) and Markdown. */
export { JIRA_MAX_CHARS, renderAdf } from './adf';
export type { AdfDoc } from './adf-nodes';
export { validateAdf } from './adf-validate';
export { renderMarkdown } from './markdown';
export { mdCode, mdCodeBlock, mdText } from './markdown-escape';
export { diffIncident, isEmptyDelta, snapshotOf } from './delta';
export type { IncidentSnapshot } from './delta';
export { renderReopenComment, renderUpdateComment } from './comments';
