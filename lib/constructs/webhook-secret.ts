import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

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
    if (props.create) {
      const secret = new secretsmanager.Secret(this, 'Secret', {
        secretName: props.secretName,
        description: 'alert-to-ticket: the shared secret Jira signs its webhooks with (X-Hub-Signature)',
        generateSecretString: {
          secretStringTemplate: '{}',
          generateStringKey: 'webhookSecret',
          passwordLength: 48,
          excludePunctuation: true,
        },
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          "The webhook key must match what is configured in Jira's webhook settings, which a rotation Lambda cannot " +
          'change; rotate it in both places together (docs/runbook.md).',
      });
      this.secret = secret;
    } else {
      this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'Secret', props.secretName);
    }
  }
}
