import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import type { SiteExpectations, SiteProblem } from '../../lambdas/adapters/jira/gateway';
import { parseJiraCredentials, secretsManagerText } from '../../lambdas/adapters/secrets';
import type { JiraCredentials } from '../../lambdas/adapters/secrets';
import { CliError } from '../errors';
import { operatorValues, requireValues } from '../stack-outputs';
import type { StackValues } from '../stack-outputs';

export interface JiraCheckOptions {
  /** Check the site the deployed stack uses, with its secret and its expectations. */
  stack?: string;
  issueType: string;
  priorities: string;
  reopenTransition: string;
}

export interface JiraCheckDeps {
  env?: NodeJS.ProcessEnv;
  read?: (stackName: string) => Promise<StackValues>;
  /** The secret's text by id (default: Secrets Manager). */
  secretText?: (secretId: string) => Promise<string>;
}

/**
 * `a2t jira check`: the site check ticket-sync runs at cold start, from a laptop. With `--stack NAME` it uses what the
 * deployed stack uses (the site, the Jira secret in Secrets Manager, the issue type, priorities and transition it was
 * deployed with); otherwise JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECT_KEY and the options.
 */
export async function jiraCheck(
  opts: JiraCheckOptions,
  deps: JiraCheckDeps = {},
): Promise<{ site: string; expectations: SiteExpectations; problems: SiteProblem[] }> {
  const env = deps.env ?? process.env;
  let site: string;
  let credentials: JiraCredentials;
  let expectations: SiteExpectations;
  if (opts.stack !== undefined || (env.A2T_STACK ?? '').trim() !== '') {
    const { values, from } = await operatorValues(opts.stack, env, deps.read);
    const v = requireValues(values, ['jiraSiteUrl', 'jiraSecretArn', 'jiraProjectKey'], from);
    site = v.jiraSiteUrl;
    const text = await (deps.secretText ?? ((id: string) => secretsManagerText(id)()))(v.jiraSecretArn);
    credentials = parseJiraCredentials(text, v.jiraSecretArn);
    expectations = values.siteExpectations ?? {
      projectKey: v.jiraProjectKey,
      issueTypeName: values.jiraIssueType ?? opts.issueType,
      priorityNames: opts.priorities.split(',').map((p) => p.trim()),
      transitionNames: [opts.reopenTransition],
    };
  } else {
    const required = ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN', 'JIRA_PROJECT_KEY'];
    const missing = required.filter((k) => (env[k] ?? '').trim() === '');
    if (missing.length > 0) {
      throw new CliError(
        `a2t jira check needs ${missing.join(', ')} in the environment, or --stack NAME to check the site with the deployed stack's secret`,
        2,
      );
    }
    site = env.JIRA_BASE_URL!.replace(/\/+$/, '');
    credentials = { email: env.JIRA_EMAIL!, apiToken: env.JIRA_API_TOKEN! };
    expectations = {
      projectKey: env.JIRA_PROJECT_KEY!,
      issueTypeName: opts.issueType,
      priorityNames: opts.priorities.split(',').map((p) => p.trim()),
      transitionNames: [opts.reopenTransition],
    };
  }
  const gateway = new JiraGateway({ baseUrl: site, email: credentials.email, apiToken: credentials.apiToken });
  return { site, expectations, problems: await gateway.checkSiteReport(expectations) };
}
