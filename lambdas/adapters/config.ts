import { z } from 'zod';
import { ConfigError } from '../core/errors';
import { ENV } from '../topology';

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
  reopenTransition: z.string().default('Reopen'),
  components: z.array(z.string()).default([]),
  /** Jira custom field id → what ticket-sync puts in it on create. */
  customFields: z
    .record(
      z.string().regex(/^customfield_\d+$/, 'a Jira custom field id such as customfield_10042'),
      z.enum(['severity', 'incidentId']),
    )
    .default({}),
});
export type Settings = z.infer<typeof SettingsSchema>;

export function parseSettings(json: string | undefined): Settings {
  let raw: unknown = {};
  if (json !== undefined && json.trim() !== '') {
    try {
      raw = JSON.parse(json);
    } catch {
      throw new ConfigError(`${ENV.settings} is not JSON`);
    }
  }
  const r = SettingsSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ConfigError(`${ENV.settings}.${i.path.join('.')}: ${i.message}`);
  }
  return r.data;
}

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const v = env[name];
  if (v === undefined || v.trim() === '') throw new ConfigError(`environment variable ${name} is not set`);
  return v;
}
