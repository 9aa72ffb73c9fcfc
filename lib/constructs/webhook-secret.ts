import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { operatorSecret } from './operator-secret';

export interface WebhookSecretProps {
  secretName: string;
  /** Create the secret (with a random key), or import an existing one by name. */
  create: boolean;
}

/**
 * The Jira webhook's shared secret, `{"webhookSecret": "...", "accountId": "..."}`, apart from the Jira credentials
 * so the internet-facing webhook function can read it without being able to read the API token. A created secret
 * gets a random 48-character key, to be pasted into Jira's webhook configuration; `accountId` (optional) is the
 * integration user, whose own edits the webhook ignores.
 */
export class WebhookSecret extends Construct {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: WebhookSecretProps) {
    super(scope, id);
    this.secret = operatorSecret(this, {
      secretName: props.secretName,
      create: props.create,
      description: 'alert-to-ticket: the shared secret Jira signs its webhooks with (X-Hub-Signature)',
      template: '{}',
      noRotationReason:
        "The webhook key must match what is configured in Jira's webhook settings, which a rotation Lambda cannot " +
        'change; rotate it in both places together (docs/runbook.md).',
    });
  }
}
