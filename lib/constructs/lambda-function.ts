import * as path from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { APP_METRICS } from './monitoring';

export interface PipelineFunctionProps {
  /** Folder under lambdas/ holding handler.ts. */
  entryDir: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  logRetentionDays: number;
  reservedConcurrentExecutions?: number;
  /** Files copied beside the bundle's index.js (e.g. the Sigma rule pack the ingest function reads at cold start). */
  bundleFiles?: string[];
}

/** A path as one POSIX shell word. */
const shellWord = (p: string): string => `'${p.replace(/'/g, `'\\''`)}'`;

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Every Lambda of the pipeline built the same way: Node's newest runtime on arm64, bundled by the locally installed
 * esbuild (never Docker), minified with source maps, X-Ray tracing, its own log group with retention, and its own
 * role that may write only to that log group (no AWSLambdaBasicExecutionRole managed policy, which is account-wide).
 */
export class PipelineFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (alert-to-ticket)`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn, `${this.logGroup.logGroupArn}:log-stream:*`],
      }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(ROOT, 'lambdas', props.entryDir, 'handler.ts'),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: path.join(ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      timeout: Duration.seconds(props.timeoutSeconds),
      memorySize: props.memoryMb,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        // The alarms on the functions' own metrics (monitoring.ts) look for them here.
        POWERTOOLS_SERVICE_NAME: APP_METRICS.service,
        POWERTOOLS_METRICS_NAMESPACE: APP_METRICS.namespace,
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.CJS,
        // The Node 24 runtime ships AWS SDK v3; bundling it again would only add cold-start bytes.
        externalModules: ['@aws-sdk/*'],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) =>
            (props.bundleFiles ?? []).map((f) => `cp ${shellWord(f)} ${shellWord(outputDir)}`),
        },
      },
    });

    // Granular: only these two findings, each for a reason the platform imposes.
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) supports only Resource "*".',
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as CfnResource)}.Arn>:log-stream:*]`,
      reason:
        "Log stream names are chosen by Lambda at run time; the wildcard is confined to this function's own log group.",
    });
  }
}
