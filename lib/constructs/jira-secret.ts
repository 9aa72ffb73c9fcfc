import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface JiraSecretProps {
  secretName: string;
  /** Create the secret (the operator fills in email and token), or import an existing one by name. */
  create: boolean;
}

/**
 * Jira credentials: `{"email": "...", "apiToken": "...", "webhookSecret": "..."}`. Only the secret's ARN reaches
 * the functions; the values are read at cold start. A created secret gets a random webhook secret, to be pasted
 * into Jira's webhook configuration.
 */
export class JiraSecret extends Construct {
  readonly secret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: JiraSecretProps) {
    super(scope, id);
    if (props.create) {
      const secret = new secretsmanager.Secret(this, 'Secret', {
        secretName: props.secretName,
        description: 'alert-to-ticket: Jira email + API token, and the shared secret of the Jira webhook',
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ email: 'set-me@example.com', apiToken: 'set-me' }),
          generateStringKey: 'webhookSecret',
          passwordLength: 48,
          excludePunctuation: true,
        },
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'An Atlassian API token cannot be rotated by a Lambda (it is issued in the Atlassian account UI); ' +
          "rotate it there and update this secret. The webhook secret is rotated together with Jira's webhook.",
      });
      this.secret = secret;
    } else {
      this.secret = secretsmanager.Secret.fromSecretNameV2(this, 'Secret', props.secretName);
    }
  }
}
