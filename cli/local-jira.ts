import { JiraGateway } from '../lambdas/adapters/jira/gateway';
import { startJiraEmulator } from '../local/jira-emulator';
import type { JiraEmulator } from '../local/jira-emulator';
import { CliError } from './errors';
import { DryRunGateway } from './dry-run-gateway';
import type { TicketGateway } from '../lambdas/core/sync/ports';

/** The issue type the stack deploys with by default (lib/config.ts): a replay against a site files the same. */
const DEFAULT_ISSUE_TYPE = 'Incident';

export interface JiraTarget {
  gateway: TicketGateway;
  /** The real gateway, for site checks (absent in a dry run). */
  site?: JiraGateway;
  projectKey: string;
  issueTypeName: string;
  browseUrl(key: string): string;
  emulator?: JiraEmulator;
}

/** The Jira emulator on a free loopback port (search lags a second, as Jira's does). */
export async function localJira(port = 0): Promise<JiraTarget> {
  const emulator = await startJiraEmulator({ port, searchDelayMs: 1000 });
  const gateway = new JiraGateway({
    baseUrl: emulator.url,
    email: emulator.site.email,
    apiToken: emulator.site.apiToken,
  });
  return {
    gateway,
    site: gateway,
    projectKey: emulator.site.projectKey,
    issueTypeName: emulator.site.issueTypes[0],
    browseUrl: (key) => `${emulator.url}/browse/${key}`,
    emulator,
  };
}

/**
 * A real Jira site from JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECT_KEY (and JIRA_ISSUE_TYPE). With
 * `dryRun`, requests are printed to it instead of sent, and no credentials are needed.
 */
export function envJira(env: NodeJS.ProcessEnv = process.env, dryRun?: (line: string) => void): JiraTarget {
  const required = dryRun
    ? ['JIRA_PROJECT_KEY']
    : ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'];
  const missing = required.filter((k) => (env[k] ?? '').trim() === '');
  if (missing.length > 0) throw new CliError(`--jira env needs ${missing.join(', ')} in the environment`);
  const base = (env.JIRA_BASE_URL ?? 'https://your-site.atlassian.net').replace(/\/+$/, '');
  if (dryRun) {
    return {
      gateway: new DryRunGateway(env.JIRA_PROJECT_KEY!, dryRun),
      projectKey: env.JIRA_PROJECT_KEY!,
      issueTypeName: env.JIRA_ISSUE_TYPE ?? DEFAULT_ISSUE_TYPE,
      browseUrl: (key) => `${base}/browse/${key}`,
    };
  }
  const gateway = new JiraGateway({ baseUrl: base, email: env.JIRA_EMAIL!, apiToken: env.JIRA_API_TOKEN! });
  return {
    gateway,
    site: gateway,
    projectKey: env.JIRA_PROJECT_KEY!,
    issueTypeName: env.JIRA_ISSUE_TYPE ?? DEFAULT_ISSUE_TYPE,
    browseUrl: (key) => `${base}/browse/${key}`,
  };
}
