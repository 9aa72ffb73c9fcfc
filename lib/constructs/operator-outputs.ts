import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { OPERATOR_VALUES, operatorParameterName } from '../../lambdas/topology';
import type { OperatorValueName } from '../../lambdas/topology';

export interface OperatorOutputsProps {
  values: Record<OperatorValueName, string>;
  /** Extra outputs (the webhook URL, the forwarder policy and role), by output name. */
  extra: Record<string, { value: string; description: string }>;
  /** What `a2t jira check --stack` verifies the site against (the deployed issue type, priorities, transition). */
  siteExpectations: Record<string, unknown>;
}

const DESCRIPTIONS: Record<OperatorValueName, string> = {
  tableName: 'The DynamoDB table (A2T_TABLE_NAME)',
  intakeQueueUrl: 'Where forwarders send alerts (A2T_INTAKE_QUEUE_URL)',
  intakeQueueArn: 'The intake queue ARN, for forwarder policies and subscriptions',
  intakeDlqUrl: 'Intake dead letters (A2T_INTAKE_DLQ_URL)',
  ticketSyncQueueUrl: 'ticket-sync hand-offs (A2T_TICKET_SYNC_QUEUE_URL)',
  ticketSyncDlqUrl: 'ticket-sync dead letters (A2T_TICKET_SYNC_DLQ_URL)',
  jiraSecretArn: 'The Jira credentials secret: put email and apiToken here',
  webhookSecretArn: "The webhook's shared secret: paste its webhookSecret into Jira's webhook settings",
  ticketingParameter: 'Kill switch: on, dry-run or off (aws ssm put-parameter --overwrite)',
  ticketCapParameter: 'Tickets created per hour at most (aws ssm put-parameter --overwrite)',
  alarmTopicArn: 'The alarm topic: subscribe on-call here',
  jiraSiteUrl: 'The Jira site tickets go to',
  jiraProjectKey: 'The Jira project tickets go to',
  jiraIssueType: 'The Jira issue type of the tickets',
};

/**
 * Every value an operator or the `a2t` operator commands need, as stack outputs with fixed names, and the same
 * values as JSON in the SSM parameter `/<stack>/operator`, so `a2t … --stack NAME` finds them by the stack's name
 * (with the SSM client the CLI already uses for the kill switch, not a CloudFormation client).
 */
export class OperatorOutputs extends Construct {
  readonly parameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: OperatorOutputsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    for (const name of Object.keys(OPERATOR_VALUES) as OperatorValueName[]) {
      // At the stack's top level, so the output is named exactly this (not prefixed with a construct path).
      new CfnOutput(stack, OPERATOR_VALUES[name].output, {
        value: props.values[name],
        description: DESCRIPTIONS[name],
      });
    }
    for (const [name, o] of Object.entries(props.extra)) {
      new CfnOutput(stack, name, { value: o.value, description: o.description });
    }
    this.parameter = new ssm.StringParameter(this, 'Parameter', {
      parameterName: operatorParameterName(stack.stackName),
      description: 'alert-to-ticket: the values the a2t operator commands need (a2t ... --stack NAME)',
      stringValue: stack.toJsonString({ ...props.values, siteExpectations: props.siteExpectations }),
    });
  }
}
