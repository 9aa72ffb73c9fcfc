import { z } from 'zod';
import { ConfigError } from '../core/errors';
import { SIGMA_LEVELS } from '../core/model/alert';
import { CUSTOM_FIELD_SOURCES } from '../core/sync/jira-fields';
import { DEFAULT_ATTACHMENT_MAX_BYTES } from '../core/draft/limits';
import type { SyncSettings } from '../core/sync/settings';
import { ENV } from '../topology';

/**
 * Every setting of the pipeline, its validation and its default, in one module: the handlers read them from the
 * environment here, the CDK app (lib/config.ts) validates the same schemas at synth, and the CLI, the bench and the
 * tests build ticket-sync's settings with the same function as the Lambda (`ticketSyncSettings`).
 */

/**
 * Runtime settings the stack passes as JSON in one variable, with defaults a SOC would accept. Read once per cold
 * start and validated: a bad value fails the cold start with a message naming it, not every message later.
 */
export const SettingsSchema = z.object({
  stormWindowMinutes: z.number().positive().default(60),
  linkWindowHours: z.number().positive().default(24),
  ticketThreshold: z.number().min(0).max(100).default(40),
  handOffCountSteps: z.array(z.number().int().min(1).max(9)).min(1).default([1, 2, 5]),
  maxRecordBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  maxRawBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  commentIntervalMinutes: z.number().nonnegative().default(5),
  reopenWindowDays: z.number().nonnegative().default(7),
  suppressionDays: z.number().nonnegative().default(30),
  falsePositiveResolutions: z.array(z.string()).default(['False Positive', 'Not an issue', "Won't Do"]),
  reopenTransition: z.string().min(1).default('Reopen'),
  /**
   * The largest raw-events file attached to a ticket. Jira Cloud allows up to 1 GB but sites lower it; a site whose
   * own limit is lower still gets a file cut to that limit. 64 KiB is the floor a cut file still reads well at.
   */
  rawEventsAttachmentMaxBytes: z
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .default(DEFAULT_ATTACHMENT_MAX_BYTES),
  components: z.array(z.string()).default([]),
  /**
   * Which Sigma rules run (the detect stage). SigmaHQ's `experimental` rules and its threat-hunting set are broad by
   * design and opt-in; rules are disabled by id, the way a SOC tunes Hayabusa or Chainsaw.
   */
  sigma: z
    .object({
      disabledRuleIds: z.array(z.string().min(1).max(128)).default([]),
      includeExperimental: z.boolean().default(false),
      includeThreatHunting: z.boolean().default(false),
      minLevel: z.enum(SIGMA_LEVELS).default('informational'),
    })
    .strict()
    .prefault({}),
  /** Jira custom field id → what ticket-sync puts in it on create. */
  customFields: z
    .record(
      z.string().regex(/^customfield_\d+$/, 'a Jira custom field id such as customfield_10042'),
      z.enum(CUSTOM_FIELD_SOURCES),
    )
    .default({}),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** Every setting at its default. */
export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** P1–P4 → the Jira site's priority names. */
export const PriorityNamesSchema = z.object({
  P1: z.string().min(1),
  P2: z.string().min(1),
  P3: z.string().min(1),
  P4: z.string().min(1),
});
export type PriorityNames = z.infer<typeof PriorityNamesSchema>;

/** Jira Cloud's stock priority names. */
export const DEFAULT_PRIORITY_NAMES: PriorityNames = { P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low' };

/** A Jira project key as Jira Cloud allows it by default (`SOC`, `SEC_OPS`). */
export const JiraProjectKeySchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'a Jira project key: 2–10 upper-case letters/digits');

/** Where ticket-sync opens tickets: the stack passes these in their own variables (`A2T_JIRA_PROJECT_KEY`…). */
export const TicketTargetSchema = z.object({
  projectKey: JiraProjectKeySchema,
  issueTypeName: z.string().min(1),
  priorityNames: PriorityNamesSchema.default(DEFAULT_PRIORITY_NAMES),
});
export type TicketTarget = z.input<typeof TicketTargetSchema>;

/**
 * ticket-sync's constants: design decisions, not deployment knobs. The link type is Jira's stock one; a claim is
 * presumed dead after two minutes, long after Jira search has caught up with any create its owner made; 200 alerts
 * (the first and the latest 100) are drafted from, whatever the incident's size.
 */
const SYNC_CONSTANTS = { linkType: 'Relates', staleClaimMs: 120_000, maxAlerts: 200 } as const;

/**
 * ticket-sync's settings, validated: the one way the handler, the CLI, the bench and the tests get them. `settings`
 * is the pipeline settings object (`A2T_SETTINGS`), defaults filled in. A test that needs a sub-minute interval or a
 * shorter claim overrides the result.
 * @throws ConfigError naming the bad value.
 */
export function ticketSyncSettings(target: TicketTarget, settings: z.input<typeof SettingsSchema> = {}): SyncSettings {
  const t = validated(TicketTargetSchema, target, 'ticket target');
  const s = settingsOf(settings);
  return {
    ...SYNC_CONSTANTS,
    projectKey: t.projectKey,
    issueTypeName: t.issueTypeName,
    priorityNames: t.priorityNames,
    components: s.components,
    customFields: s.customFields,
    ticketThreshold: s.ticketThreshold,
    commentIntervalMs: s.commentIntervalMinutes * 60_000,
    reopenWindowMs: s.reopenWindowDays * 86_400_000,
    reopenTransition: s.reopenTransition,
    attachmentMaxBytes: s.rawEventsAttachmentMaxBytes,
  };
}

/** ticket-sync's settings from the Lambda's environment, as the stack sets it. */
export function ticketSyncSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SyncSettings {
  return ticketSyncSettings(
    {
      projectKey: validated(JiraProjectKeySchema, requireEnv(ENV.jiraProjectKey, env), ENV.jiraProjectKey),
      issueTypeName: requireEnv(ENV.jiraIssueType, env),
      priorityNames: validated(
        PriorityNamesSchema,
        jsonOf(requireEnv(ENV.priorityNames, env), ENV.priorityNames),
        ENV.priorityNames,
      ),
    },
    parseSettings(env[ENV.settings]),
  );
}

/** A settings object (a test's, the CLI's), validated and with every default filled in. */
export function settingsOf(raw: z.input<typeof SettingsSchema>): Settings {
  return validated(SettingsSchema, raw, ENV.settings);
}

/** `A2T_SETTINGS` (JSON text; unset or empty: every default), validated. */
export function parseSettings(json: string | undefined): Settings {
  const raw = json === undefined || json.trim() === '' ? {} : jsonOf(json, ENV.settings);
  return validated(SettingsSchema, raw, ENV.settings);
}

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[name];
  if (v === undefined || v.trim() === '') throw new ConfigError(`environment variable ${name} is not set`);
  return v;
}

function jsonOf(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(`${source} is not JSON`);
  }
}

/** `raw` parsed by `schema`, or a ConfigError naming the first bad value: `A2T_SETTINGS.ticketThreshold: …`. */
function validated<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ConfigError(`${[source, ...issue.path.map(String)].join('.')}: ${issue.message}`);
}
