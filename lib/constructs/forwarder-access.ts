import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface ForwarderAccessProps {
  intake: sqs.IQueue;
  /** Account root or role ARNs allowed to assume the producer role; empty: the policy only. */
  principals: string[];
}

/**
 * What a forwarder (a Sysmon collector, an EDR export) needs to deliver alerts, and nothing else: a managed policy
 * that may send to the intake queue, to attach to the forwarder's own role, and optionally a role other accounts or
 * roles can assume with it.
 */
export class ForwarderAccess extends Construct {
  readonly policy: iam.ManagedPolicy;
  readonly role?: iam.Role;

  constructor(scope: Construct, id: string, props: ForwarderAccessProps) {
    super(scope, id);
    this.policy = new iam.ManagedPolicy(this, 'SendPolicy', {
      description: 'alert-to-ticket: send alerts to the intake queue',
      statements: [
        new iam.PolicyStatement({
          actions: ['sqs:SendMessage', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes'],
          resources: [props.intake.queueArn],
        }),
      ],
    });
    if (props.principals.length > 0) {
      this.role = new iam.Role(this, 'Role', {
        assumedBy: new iam.CompositePrincipal(...props.principals.map((arn) => new iam.ArnPrincipal(arn))),
        description: 'alert-to-ticket forwarders: send alerts to the intake queue',
        managedPolicies: [this.policy],
      });
    }
  }
}
