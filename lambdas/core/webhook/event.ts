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
  /** The incident the event is about: the first of `incidentIds` until the handler finds the one bound to the issue. */
  incidentId: string;
  /** Every incident label on the issue, parsed (an analyst's own `a2t-checked` label is not one). */
  incidentIds: string[];
  actorAccountId?: string;
  status?: string;
  /** `new`, `indeterminate` or `done`. */
  statusCategory?: string;
  resolution?: string;
  time: string;
  /** Whether `time` is the signed body's own timestamp (else it is the receive time). */
  signedTime: boolean;
}

/** The latest time a JavaScript Date can hold (±8.64e15 ms): a larger timestamp is not a time. */
const MAX_DATE_MS = 8.64e15;

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
  // A timestamp that is no time (1e20, a fraction of a millisecond past the end of time) is refused, not thrown on.
  if (w.timestamp !== undefined && !(Number.isFinite(w.timestamp) && Math.abs(w.timestamp) <= MAX_DATE_MS)) {
    return { ok: false, reason: 'malformed timestamp' };
  }
  // Every label is parsed: the first `a2t-` one may be an analyst's own (`a2t-checked`), not an incident's.
  const incidentIds = [
    ...new Set(
      w.issue.fields.labels
        .filter((l) => l.startsWith(INCIDENT_LABEL_PREFIX))
        .map(incidentIdFromLabel)
        .filter((id): id is string => id !== undefined),
    ),
  ];
  if (incidentIds.length === 0)
    return { ok: false, reason: `issue ${w.issue.key} has no alert-to-ticket incident label` };
  return {
    ok: true,
    event: {
      event: w.webhookEvent,
      issueKey: w.issue.key,
      incidentId: incidentIds[0],
      incidentIds,
      ...(w.user?.accountId !== undefined ? { actorAccountId: w.user.accountId } : {}),
      ...(w.issue.fields.status !== undefined ? { status: w.issue.fields.status.name } : {}),
      ...(w.issue.fields.status?.statusCategory !== undefined
        ? { statusCategory: w.issue.fields.status.statusCategory.key }
        : {}),
      ...(w.issue.fields.resolution ? { resolution: w.issue.fields.resolution.name } : {}),
      time: w.timestamp !== undefined ? new Date(w.timestamp).toISOString() : receivedAt,
      signedTime: w.timestamp !== undefined,
    },
  };
}

/** A resolution an analyst uses to say "false positive" (configurable names, case-insensitive). */
export function isFalsePositive(resolution: string | undefined, names: string[]): boolean {
  if (resolution === undefined) return false;
  const r = resolution.trim().toLowerCase();
  return names.some((n) => n.trim().toLowerCase() === r);
}
