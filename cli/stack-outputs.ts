import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { OPERATOR_VALUES, operatorParameterName } from '../lambdas/topology';
import type { OperatorValueName } from '../lambdas/topology';
import type { SiteExpectations } from '../lambdas/adapters/jira/site-check';
import { CliError } from './errors';

/** A deployed stack's operator values (its outputs), and what `a2t jira check --stack` checks the site against. */
export type StackValues = Partial<Record<OperatorValueName, string>> & { siteExpectations?: SiteExpectations };

/**
 * The values of the stack named `stackName`, from the SSM parameter it publishes them in (`/<stack>/operator`).
 * @throws CliError naming the parameter when it cannot be read (no such stack in this account and region, or no
 * permission).
 */
export async function readStackValues(stackName: string, ssm: SSMClient = new SSMClient({})): Promise<StackValues> {
  const name = operatorParameterName(stackName);
  let text: string | undefined;
  try {
    text = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (err) {
    // The SDK's error name says it (ParameterNotFound, AccessDeniedException); a plain Error only its message does.
    const why = err instanceof Error ? (err.name !== 'Error' ? err.name : err.message.split('\n')[0]) : String(err);
    throw new CliError(
      `cannot read the outputs of stack ${stackName} (SSM parameter ${name}: ${why}); check the stack name, the region (AWS_REGION) and your credentials`,
    );
  }
  try {
    return JSON.parse(text ?? '') as StackValues;
  } catch {
    throw new CliError(`SSM parameter ${name} is not the JSON the stack writes`);
  }
}

/**
 * The operator values from `--stack NAME` when given (or `A2T_STACK`), else from the environment (`A2T_TABLE_NAME`…),
 * the stack winning where both are set.
 */
export async function operatorValues(
  stackName: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  read: (name: string) => Promise<StackValues> = (name) => readStackValues(name),
): Promise<{ values: StackValues; from: string }> {
  const stack = stackName ?? (env.A2T_STACK?.trim() || undefined);
  const fromEnv: StackValues = {};
  for (const [key, { env: variable }] of Object.entries(OPERATOR_VALUES) as [OperatorValueName, { env: string }][]) {
    const v = env[variable]?.trim();
    if (v) fromEnv[key] = v;
  }
  if (stack === undefined) return { values: fromEnv, from: 'the environment' };
  return { values: { ...fromEnv, ...(await read(stack)) }, from: `stack ${stack}` };
}

/** The values `need`s, or a CliError saying which are missing and how to give them. */
export function requireValues<K extends OperatorValueName>(
  values: StackValues,
  need: readonly K[],
  from: string,
): Record<K, string> {
  const missing = need.filter((k) => (values[k] ?? '') === '');
  if (missing.length > 0) {
    throw new CliError(
      `${from} lacks ${missing.map((k) => OPERATOR_VALUES[k].env).join(', ')}: pass --stack NAME (the deployed stack, e.g. AlertToTicket) or set them from its outputs`,
    );
  }
  return values as Record<K, string>;
}
