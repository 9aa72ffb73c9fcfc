import { z } from 'zod';
import {
  DEFAULT_PRIORITY_NAMES,
  JiraProjectKeySchema,
  PriorityNamesSchema,
  SettingsSchema,
} from '../lambdas/adapters/config';

/**
 * Deployment configuration from `cdk.json` context or `-c key=value`. Validated once, when the app is built,
 * with errors that name the key and show an example, so a bad deploy fails at synth and not at 3 a.m.
 */

const PREFIX = 'a2t:';

export const DeployConfigSchema = z.object({
  jiraSiteUrl: z.url({ protocol: /^https$/ }),
  jiraProjectKey: JiraProjectKeySchema,
  jiraIssueType: z.string().min(1),
  priorityNames: PriorityNamesSchema,
  jiraSecretName: z.string().regex(/^[\w/+=.@-]{1,512}$/, 'a Secrets Manager secret name'),
  createSecret: z.boolean(),
  alarmEmail: z.union([z.literal(''), z.email()]),
  ingestBatchSize: z.number().int().min(1).max(10000),
  ingestBatchingWindowSeconds: z.number().int().min(0).max(300),
  ingestMaxConcurrency: z.number().int().min(2).max(1000),
  ticketSyncReservedConcurrency: z.number().int().min(1).max(20),
  logRetentionDays: z.number().int().min(1),
  /** A folder of the SOC's own Sigma rules (YAML), compiled at synth and shipped with the ingest function; '' for none. */
  sigmaRulesDir: z.string(),
  /** Sigma rule ids never run (SigmaHQ's or the SOC's), merged into `settings.sigma.disabledRuleIds`. */
  disabledSigmaRules: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '')
        : v,
    z.array(z.string().min(1).max(128)),
  ),
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
  createSecret: 'true',
  alarmEmail: 'soc-oncall@example.com',
  ingestBatchSize: '100',
  ingestBatchingWindowSeconds: '5',
  ingestMaxConcurrency: '10',
  ticketSyncReservedConcurrency: '2',
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
  createSecret: true,
  alarmEmail: '',
  ingestBatchSize: 100,
  ingestBatchingWindowSeconds: 5,
  ingestMaxConcurrency: 10,
  ticketSyncReservedConcurrency: 2,
  logRetentionDays: 90,
  sigmaRulesDir: '',
  disabledSigmaRules: [],
  settings: {},
};

/**
 * Read and validate the configuration. `get` is `app.node.tryGetContext`.
 * @throws Error naming every bad key with an example of a good value.
 */
export function loadDeployConfig(get: (key: string) => unknown): DeployConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(EXAMPLES)) raw[key] = coerce(get(PREFIX + key)) ?? DEFAULTS[key as keyof DeployConfig];
  const parsed = DeployConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0]) as keyof DeployConfig;
    const what = raw[key] === undefined ? 'is missing' : `is invalid (${issue.message})`;
    return `context ${PREFIX}${key} ${what}: set it in cdk.json or pass -c ${PREFIX}${key}=${EXAMPLES[key]}`;
  });
  throw new Error(`alert-to-ticket configuration:\n  ${lines.join('\n  ')}`);
}
