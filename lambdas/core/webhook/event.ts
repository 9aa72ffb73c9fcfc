import { z } from 'zod';
import { INCIDENT_LABEL_PREFIX, incidentIdFromLabel } from '../model/labels';

/** The parts of a Jira `jira:issue_updated` webhook we use; everything else is ignored. */
const WebhookSchema = z.object({
  webhookEvent: z.string(),
  timestamp: z.number().optional(),
  user: z.object({ accountId: z.string().optional() }).optional(),
  issue: z.object({
    key: z.string(),
    fields: z.object({
      labels: z.array(z.string()).default([]),
      status: z.object({ name: z.string(), statusCategory: z.object({ key: z.string() }).optional() }).optional(),
      resolution: z.object({ name: z.string() }).nullable().optional(),
    }),
  }),
});

export interface TicketEvent {
  event: string;
  issueKey: string;
  incidentId: string;
  actorAccountId?: string;
  status?: string;
  /** `new`, `indeterminate` or `done`. */
  statusCategory?: string;
  resolution?: string;
  time: string;
}

export type ParsedWebhook = { ok: true; event: TicketEvent } | { ok: false; reason: string };

/** Parse a verified webhook body. Not ours (no incident label) or not an issue event: a reason, not an error. */
export function parseWebhook(body: string, receivedAt: string): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const r = WebhookSchema.safeParse(json);
  if (!r.success) return { ok: false, reason: `not an issue event: ${r.error.issues[0].path.join('.')}` };
  const w = r.data;
  const label = w.issue.fields.labels.find((l) => l.startsWith(INCIDENT_LABEL_PREFIX));
  const incidentId = label === undefined ? undefined : incidentIdFromLabel(label);
  if (incidentId === undefined)
    return { ok: false, reason: `issue ${w.issue.key} has no alert-to-ticket incident label` };
  return {
    ok: true,
    event: {
      event: w.webhookEvent,
      issueKey: w.issue.key,
      incidentId,
      ...(w.user?.accountId !== undefined ? { actorAccountId: w.user.accountId } : {}),
      ...(w.issue.fields.status !== undefined ? { status: w.issue.fields.status.name } : {}),
      ...(w.issue.fields.status?.statusCategory !== undefined
        ? { statusCategory: w.issue.fields.status.statusCategory.key }
        : {}),
      ...(w.issue.fields.resolution ? { resolution: w.issue.fields.resolution.name } : {}),
      time: w.timestamp !== undefined ? new Date(w.timestamp).toISOString() : receivedAt,
    },
  };
}

/** A resolution an analyst uses to say "false positive" (configurable names, case-insensitive). */
export function isFalsePositive(resolution: string | undefined, names: string[]): boolean {
  if (resolution === undefined) return false;
  const r = resolution.trim().toLowerCase();
  return names.some((n) => n.trim().toLowerCase() === r);
}
