import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app-builder';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The context `cdk synth` would read from cdk.json, with overrides. */
export function cdkJsonContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return { ...cdkJson.context, ...overrides };
}

let cached: Template | undefined;

/**
 * Context for a synth whose template is all a test reads: CDK skips the esbuild bundling of the Lambdas (seconds each),
 * which synth.test.ts checks through the real `cdk synth`.
 */
export function templateOnlyContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return cdkJsonContext({ 'aws:cdk:bundling-stacks': [], ...overrides });
}

/** The synthesized template of the default configuration. */
export function defaultTemplate(): Template {
  cached ??= Template.fromStack(buildApp({ context: templateOnlyContext() }).stack);
  return cached;
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every IAM statement attached to the role whose logical id starts with `prefix`. */
export function statementsOfRole(template: Template, rolePrefix: string): Statement[] {
  const roles = template.findResources('AWS::IAM::Role');
  const roleIds = Object.keys(roles).filter((id) => id.startsWith(rolePrefix));
  if (roleIds.length !== 1) throw new Error(`expected one role ${rolePrefix}, found ${roleIds.join(', ')}`);
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleIds[0]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}
