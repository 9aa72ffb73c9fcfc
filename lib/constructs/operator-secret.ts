import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export interface OperatorSecretProps {
  secretName: string;
  /** Create the secret, or import an existing one by name. */
  create: boolean;
  description: string;
  /** The created secret's JSON before the generated `webhookSecret` key is added. */
  template: string;
  /** Why the secret has no rotation Lambda (cdk-nag AwsSolutions-SMG4). */
  noRotationReason: string;
}

/**
 * A secret an operator fills in or keeps in step with Jira, created with a random 48-character `webhookSecret` or
 * imported by name. Its construct id is always `Secret` under the caller, so the logical id, and with it the stored
 * value, survives refactoring.
 */
export function operatorSecret(scope: Construct, props: OperatorSecretProps): secretsmanager.ISecret {
  if (!props.create) return secretsmanager.Secret.fromSecretNameV2(scope, 'Secret', props.secretName);
  const secret = new secretsmanager.Secret(scope, 'Secret', {
    secretName: props.secretName,
    description: props.description,
    generateSecretString: {
      secretStringTemplate: props.template,
      generateStringKey: 'webhookSecret',
      passwordLength: 48,
      excludePunctuation: true,
    },
  });
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: props.noRotationReason });
  return secret;
}
