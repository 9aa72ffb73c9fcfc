import { verifySignature } from './signature';
import { isFalsePositive, parseWebhook } from './event';
import type { TicketEvent } from './event';

export interface WebhookStore {
  /** Records a delivery id; false when it was already seen (Jira retries keep the identifier). */
  markDelivery(deliveryId: string, at: string): Promise<boolean>;
  recordStatus(event: TicketEvent): Promise<void>;
  /** Suppresses the incident's group key until `until`: later alerts are counted, not ticketed. */
  suppress(incidentId: string, until: string): Promise<void>;
}

export interface WebhookRequest {
  rawBody: Buffer;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
}

export interface WebhookDeps {
  secret: string;
  /** The integration's own Jira account: its own edits come back as webhooks and are ignored. */
  ownAccountId?: string;
  falsePositiveResolutions: string[];
  suppressionMs: number;
  store: WebhookStore;
  now?: () => number;
}

export interface WebhookResponse {
  statusCode: number;
  /** One word for the log and the caller: never echoes request content. */
  outcome: 'unauthorized' | 'duplicate' | 'ignored' | 'recorded' | 'suppressed' | 'bad-request';
  detail?: string;
}

/** Verify, dedupe, then record: the signature is checked on the raw bytes before anything is parsed. */
export async function handleWebhook(req: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  if (!verifySignature(req.rawBody, req.headers['x-hub-signature'], deps.secret)) {
    return { statusCode: 401, outcome: 'unauthorized' };
  }
  const now = new Date((deps.now ?? Date.now)()).toISOString();
  const parsed = parseWebhook(req.rawBody.toString('utf8'), now);
  // 2xx for events that are not ours, so Jira does not retry them forever.
  if (!parsed.ok) return { statusCode: 202, outcome: 'ignored', detail: parsed.reason };
  const event = parsed.event;
  if (deps.ownAccountId !== undefined && event.actorAccountId === deps.ownAccountId) {
    return { statusCode: 202, outcome: 'ignored', detail: 'own integration user' };
  }
  const deliveryId = req.headers['x-atlassian-webhook-identifier'];
  if (deliveryId !== undefined && !(await deps.store.markDelivery(deliveryId, now))) {
    return { statusCode: 200, outcome: 'duplicate' };
  }
  await deps.store.recordStatus(event);
  if (event.statusCategory === 'done' && isFalsePositive(event.resolution, deps.falsePositiveResolutions)) {
    const until = new Date(Date.parse(now) + deps.suppressionMs).toISOString();
    await deps.store.suppress(event.incidentId, until);
    return { statusCode: 200, outcome: 'suppressed', detail: `${event.incidentId} until ${until}` };
  }
  return { statusCode: 200, outcome: 'recorded', detail: `${event.issueKey} ${event.status ?? ''}`.trim() };
}
