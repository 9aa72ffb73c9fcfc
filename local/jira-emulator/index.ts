/** The Jira Cloud emulator used by the tests, the CLI and the demo. */
export { startJiraEmulator } from './server';
export type {
  EmulatorCounters,
  IssueView,
  JiraEmulator,
  JiraEmulatorOptions,
  RequestLogEntry,
  ResponseViolation,
} from './server';
export type { FaultControl, FaultRule, FaultStatus } from './faults';
export type { CustomFieldDef, LinkTypeDef, Site, SiteOptions, StatusDef, TransitionDef } from './site';
export { JIRA_LIMITS } from './site';
export { jiraContract } from './openapi';
export type { JiraContract, RequestCheck, ResponseCheck } from './openapi';
