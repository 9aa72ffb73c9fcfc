import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { operatorSecret } from './operator-secret';

export interface JiraSecretProps {
  secretName: string;
  /** Create the secret (the operator fills in email and token), or import an existing one by name. */
  create: boolean;
}

/**
 * Jira credentials: `{"email": "...", "apiToken": "..."}`, read by ticket-sync only (every few minutes, and after a
 * 401). A created secret holds placeholders that ticket-sync refuses, with an alarm, until an operator puts the real
 * values.
 *
 * The resource is left exactly as earlier versions defined it: any change to its generated value's template would
 * make CloudFormation generate the secret again and overwrite the token an operator stored. So a created secret still
 * carries a random `webhookSecret` field; nothing reads it any more (the webhook has its own secret, webhook-secret.ts).
 */
export class JiraSecret extends Construct {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: JiraSecretProps) {
    super(scope, id);
    this.secret = operatorSecret(this, {
      secretName: props.secretName,
      create: props.create,
      description: 'alert-to-ticket: Jira email + API token, and the shared secret of the Jira webhook',
      template: JSON.stringify({ email: 'set-me@example.com', apiToken: 'set-me' }),
      noRotationReason:
        'An Atlassian API token cannot be rotated by a Lambda (it is issued in the Atlassian account UI); ' +
        "rotate it there and update this secret. The webhook secret is rotated together with Jira's webhook.",
    });
  }
}
