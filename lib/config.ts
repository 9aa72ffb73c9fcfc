import { z } from 'zod';
import {
  DEFAULT_PRIORITY_NAMES,
  JiraProjectKeySchema,
  PriorityNamesSchema,
  SettingsSchema,
} from '../lambdas/adapters/config';
import { TICKETING_MODES } from '../lambdas/core/sync/control';
import { TOPOLOGY } from '../lambdas/topology';

/**
 * Deployment configuration from `cdk.json` context or `-c key=value`. Validated once, when the app is built,
 * with errors that name the key and show an example, so a bad deploy fails at synth and not at 3 a.m. Values are
 * checked the way CloudFormation and the services will check them (log retention periods, concurrency ranges,
 * https), so what synthesizes also deploys.
 */

const PREFIX = 'a2t:';

/** The retention periods CloudWatch Logs accepts (anything else synthesizes and then fails the deploy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const SecretName = z.string().regex(/^[\w/+=.@-]{1,512}$/, 'a Secrets Manager secret name');

/** Comma-separated text (from `-c`) or a JSON array. */
const listOf = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '')
        : v,
    z.array(item),
  );

export const DeployConfigSchema = z.object({
  jiraSiteUrl: z.string().superRefine((v, ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (url === undefined) ctx.addIssue({ code: 'custom', message: 'not a URL' });
    else if (url.protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        message: `${url.protocol}// is not allowed: Jira Cloud is served over https only`,
      });
    }
  }),
  jiraProjectKey: JiraProjectKeySchema,
  jiraIssueType: z.string().min(1),
  priorityNames: PriorityNamesSchema,
  /** The Jira credentials (email, API token): read by ticket-sync only. */
  jiraSecretName: SecretName,
  /** The webhook's HMAC key: read by jira-webhook only, which cannot read the credentials. */
  webhookSecretName: SecretName,
  createSecret: z.boolean(),
  alarmEmail: z.union([z.literal(''), z.email()]),
  ingestBatchSize: z.number().int().min(1).max(10000),
  ingestBatchingWindowSeconds: z.number().int().min(0).max(300),
  /** Lambda's `MaximumConcurrency` for SQS event sources is 2–1000. */
  ingestMaxConcurrency: z.number().int().min(2).max(1000),
  /** Concurrent ticket-sync invocations (the event source's `MaximumConcurrency`): the deployment's Jira burst cap. */
  ticketSyncMaxConcurrency: z.number().int().min(2).max(1000),
  /** Reserved concurrency of ticket-sync; 0 (the default) reserves none. */
  ticketSyncReservedConcurrency: z.number().int().min(0).max(1000),
  /** Reserved concurrency of jira-webhook, which bounds what a flood of forged calls can use; 0 reserves none. */
  webhookReservedConcurrency: z.number().int().min(0).max(1000),
  /** The kill switch's value at the first deploy (the parameter keeps an operator's later change). */
  ticketingMode: z.enum(TICKETING_MODES),
  /** The cap on tickets created per hour at the first deploy (changed at run time in its parameter). */
  maxTicketsPerHour: z.number().int().min(0).max(999_999),
  /** IAM principals (account or role ARNs) that may assume the forwarders' producer role; none: no role. */
  forwarderPrincipals: listOf(
    z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+)$/, 'an IAM account root or role ARN'),
  ),
  logRetentionDays: z
    .number()
    .int()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')}`,
    }),
  /** A folder of the SOC's own Sigma rules (YAML), compiled at synth and shipped with the ingest function; '' for none. */
  sigmaRulesDir: z.string(),
  /** Sigma rule ids never run (SigmaHQ's or the SOC's), merged into `settings.sigma.disabledRuleIds`. */
  disabledSigmaRules: listOf(z.string().min(1).max(128)),
  /** Pipeline tuning passed to the Lambdas (correlation windows, ticket threshold, intervals…), validated here. */
  settings: SettingsSchema.partial().strict(),
});
export type DeployConfig = z.infer<typeof DeployConfigSchema>;

const EXAMPLES: Record<keyof DeployConfig, string> = {
  jiraSiteUrl: 'https://your-site.atlassian.net',
  jiraProjectKey: 'SOC',
  jiraIssueType: 'Incident',
  priorityNames: '\'{"P1":"Highest","P2":"High","P3":"Medium","P4":"Low"}\'',
  jiraSecretName: 'alert-to-ticket/jira',
  webhookSecretName: 'alert-to-ticket/jira-webhook',
  createSecret: 'true',
  alarmEmail: 'soc-oncall@example.com',
  ingestBatchSize: '100',
  ingestBatchingWindowSeconds: '5',
  ingestMaxConcurrency: String(TOPOLOGY.intake.maxConcurrency),
  ticketSyncMaxConcurrency: '2',
  ticketSyncReservedConcurrency: '0',
  webhookReservedConcurrency: '0',
  ticketingMode: 'on',
  maxTicketsPerHour: '30',
  forwarderPrincipals: 'arn:aws:iam::123456789012:role/sysmon-forwarder',
  logRetentionDays: '90',
  sigmaRulesDir: 'detections/sigma',
  disabledSigmaRules: '\'["c248c896-e412-4279-8c15-1c558067b6fa"]\' (or ids separated by commas)',
  settings: '\'{"stormWindowMinutes":60,"ticketThreshold":40}\'',
};

/** `-c key=value` arrives as a string: accept JSON-looking text for numbers, booleans and objects. */
function coerce(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(t) || t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
}

/**
 * Deployment knobs with defaults a SOC would accept; the Jira site, project and secret have none on purpose. The
 * pipeline's own settings (and the priority names) take their defaults from lambdas/adapters/config.ts.
 */
const DEFAULTS: Partial<Record<keyof DeployConfig, unknown>> = {
  jiraIssueType: 'Incident',
  priorityNames: DEFAULT_PRIORITY_NAMES,
  webhookSecretName: 'alert-to-ticket/jira-webhook',
  createSecret: true,
  alarmEmail: '',
  ingestBatchSize: 100,
  ingestBatchingWindowSeconds: 5,
  ingestMaxConcurrency: TOPOLOGY.intake.maxConcurrency,
  ticketSyncMaxConcurrency: 2,
  ticketSyncReservedConcurrency: 0,
  webhookReservedConcurrency: 0,
  ticketingMode: 'on',
  maxTicketsPerHour: 30,
  forwarderPrincipals: [],
  logRetentionDays: 90,
  sigmaRulesDir: '',
  disabledSigmaRules: [],
  settings: {},
};

/**
 * Read and validate the configuration. `get` is `app.node.tryGetContext`.
 * @throws Error naming every bad key once, with what is wrong and an example of a good value.
 */
export function loadDeployConfig(get: (key: string) => unknown): DeployConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EXAMPLES)) raw[key] = coerce(get(PREFIX + key)) ?? DEFAULTS[key as keyof DeployConfig];
  const parsed = DeployConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // One line per key, however many of its parts are wrong (a partial priorityNames names each missing level once).
  const byKey = new Map<keyof DeployConfig, z.core.$ZodIssue[]>();
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0]) as keyof DeployConfig;
    byKey.set(key, [...(byKey.get(key) ?? []), issue]);
  }
  const lines = [...byKey].map(([key, issues]) => {
    const what = raw[key] === undefined ? 'is missing' : `is invalid (${describe(issues, raw[key])})`;
    return `context ${PREFIX}${key} ${what}: set it in cdk.json or pass -c ${PREFIX}${key}=${EXAMPLES[key]}`;
  });
  throw new Error(`alert-to-ticket configuration:\n  ${lines.join('\n  ')}`);
}

/** The issues of one key as one phrase: `missing P2, P3, P4`, or `P1: …; P2: …`, or the key's own message. */
function describe(issues: z.core.$ZodIssue[], value: unknown): string {
  const nested = issues.filter((i) => i.path.length > 1);
  if (nested.length === 0) return [...new Set(issues.map((i) => i.message))].join('; ');
  const field = (i: z.core.$ZodIssue) => i.path.slice(1).map(String).join('.');
  const present = (i: z.core.$ZodIssue) => {
    let v: unknown = value;
    for (const p of i.path.slice(1))
      v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[p] : undefined;
    return v !== undefined;
  };
  const missing = [...new Set(nested.filter((i) => !present(i)).map(field))];
  const wrong = nested.filter((i) => present(i)).map((i) => `${field(i)}: ${i.message}`);
  return [...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []), ...new Set(wrong)].join('; ');
}
