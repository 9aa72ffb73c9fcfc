import { JiraGateway } from '../adapters/jira/gateway';
import { startJiraEmulator } from '../local/jira-emulator';
import type { JiraEmulator } from '../local/jira-emulator';
import { CliError } from './errors';

export interface JiraTarget {
  gateway: JiraGateway;
  projectKey: string;
  issueTypeName: string;
  browseUrl(key: string): string;
  emulator?: JiraEmulator;
}

/** The Jira emulator on a free loopback port (search lags a second, as Jira's does). */
export async function localJira(port = 0): Promise<JiraTarget> {
  const emulator = await startJiraEmulator({ port, searchDelayMs: 1000 });
  return {
    gateway: new JiraGateway({ baseUrl: emulator.url, email: emulator.site.email, apiToken: emulator.site.apiToken }),
    projectKey: emulator.site.projectKey,
    issueTypeName: emulator.site.issueTypes[0],
    browseUrl: (key) => `${emulator.url}/browse/${key}`,
    emulator,
  };
}

/** A real Jira site from JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECT_KEY (and JIRA_ISSUE_TYPE). */
export function envJira(env: NodeJS.ProcessEnv = process.env): JiraTarget {
  const missing = ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'].filter(
    (k) => (env[k] ?? '').trim() === '',
  );
  if (missing.length > 0) throw new CliError(`--jira env needs ${missing.join(', ')} in the environment`);
  const base = env.JIRA_BASE_URL!.replace(/\/+$/, '');
  return {
    gateway: new JiraGateway({ baseUrl: base, email: env.JIRA_EMAIL!, apiToken: env.JIRA_API_TOKEN! }),
    projectKey: env.JIRA_PROJECT_KEY!,
    issueTypeName: env.JIRA_ISSUE_TYPE ?? 'Task',
    browseUrl: (key) => `${base}/browse/${key}`,
  };
}
