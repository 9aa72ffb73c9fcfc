import { Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { TICKETING_MODES } from '../../lambdas/core/sync/control';
import type { TicketingMode } from '../../lambdas/core/sync/control';

export interface TicketingControlProps {
  /** Values at the first deploy; an operator's later `put-parameter` is kept by deploys that do not change these. */
  mode: TicketingMode;
  maxTicketsPerHour: number;
}

/**
 * The kill switch and the ticket budget as two SSM parameters named after the stack (`/<stack>/ticketing`,
 * `/<stack>/max-tickets-per-hour`), read by ticket-sync at run time (lambdas/adapters/control.ts). Their allowed
 * patterns make SSM itself refuse a mistyped value.
 */
export class TicketingControl extends Construct {
  readonly mode: ssm.StringParameter;
  readonly cap: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: TicketingControlProps) {
    super(scope, id);
    const stack = Stack.of(this).stackName;
    this.mode = new ssm.StringParameter(this, 'Mode', {
      parameterName: `/${stack}/ticketing`,
      stringValue: props.mode,
      allowedPattern: `^(${TICKETING_MODES.join('|')})$`,
      description: 'alert-to-ticket kill switch: on (tickets), dry-run (draft and log, no Jira writes), off (hold)',
    });
    this.cap = new ssm.StringParameter(this, 'Cap', {
      parameterName: `/${stack}/max-tickets-per-hour`,
      stringValue: String(props.maxTicketsPerHour),
      allowedPattern: '^\\d{1,6}$',
      description: 'alert-to-ticket: tickets created per hour at most; the rest wait for the next hour',
    });
  }
}
