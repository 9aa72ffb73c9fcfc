import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TOPOLOGY } from '../../lambdas/topology';

/**
 * The single table of DESIGN.md (incidents, alerts, duplicate guards, group heads, context, rejections).
 * Stateful, so retained on stack deletion; on-demand because alert storms are bursty; PITR for operator mistakes.
 */
export class IncidentStore extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TOPOLOGY.table.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TOPOLOGY.table.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TOPOLOGY.table.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
