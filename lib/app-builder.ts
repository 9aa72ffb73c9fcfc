import { App, Validations } from 'aws-cdk-lib';
import type { AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadDeployConfig } from './config';
import { AlertToTicketStack } from './alert-to-ticket-stack';

/** Builds the app with cdk-nag's AwsSolutions pack applied; shared by bin/app.ts and the tests. */
export function buildApp(props: AppProps = {}): { app: App; stack: AlertToTicketStack } {
  const app = new App(props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  const config = loadDeployConfig((key) => app.node.tryGetContext(key));
  const stack = new AlertToTicketStack(app, 'AlertToTicket', {
    config,
    description: 'alert-to-ticket: Sysmon/EDR alerts → deduplicated, enriched incidents → Jira tickets',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  return { app, stack };
}
