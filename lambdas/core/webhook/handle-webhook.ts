import { verifySignature } from './signature';
import { isFalsePositive, parseWebhook } from './event';
import type { TicketEvent } from './event';

export interface WebhookStore {
  /** Records a delivery id; false when it was already seen (Jira retries keep the identifier). */
  markDelivery(deliveryId: string, at: string): Promise<boolean>;
  /** The ticket key ticket-sync recorded for the incident, if it opened one. */
  ticketKeyOf(incidentId: string): Promise<string | undefined>;
  /**
   * Records the ticket's status on the incident unless a newer one is recorded. True when this event is newer than
   * anything recorded before it (an equal time is a repeat, not news).
   */
  recordStatus(event: TicketEvent): Promise<boolean>;
  /** Suppresses the incident's group key until `until`: later alerts are counted, not ticketed. */
  suppress(incidentId: string, until: string): Promise<void>;
}

export interface WebhookRequest {
  rawBody: Buffer;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
}

/**
 * How old a signed verdict may be: Jira delivers within seconds and retries a failed delivery within minutes. An
 * older body is a replay (a captured delivery sent again with a new or no delivery id), never a fresh verdict.
 */
export const VERDICT_FRESHNESS_MS = 60 * 60 * 1000;

export interface WebhookDeps {
  secret: string;
  /** The integration's own Jira account: its own edits come back as webhooks and are ignored. */
  ownAccountId?: string;
  /** The Jira project tickets are opened in: events about issues of any other project are ignored. */
  projectKey?: string;
  falsePositiveResolutions: string[];
  suppressionMs: number;
  /** Default `VERDICT_FRESHNESS_MS`. */
  verdictFreshnessMs?: number;
  store: WebhookStore;
  now?: () => number;
}

export interface WebhookResponse {
  statusCode: number;
  /** One word for the log and the caller: never echoes request content. */
  outcome: 'unauthorized' | 'duplicate' | 'ignored' | 'recorded' | 'suppressed' | 'bad-request';
  detail?: string;
}

/**
 * The incident the issue is the ticket of: among the incidents its labels name, the one whose recorded ticket key is
 * this issue's. Anyone can put an `a2t-` label on any issue (incident ids are predictable); only the ticket
 * ticket-sync opened speaks for its incident.
 */
async function boundIncident(event: TicketEvent, store: WebhookStore): Promise<string | undefined> {
  for (const id of event.incidentIds) {
    if ((await store.ticketKeyOf(id)) === event.issueKey) return id;
  }
  return undefined;
}

/**
 * Verify, dedupe, then record: the signature is checked on the raw bytes before anything is parsed. A status is
 * recorded only for the issue ticket-sync opened for the incident, in the configured project; a false-positive
 * verdict suppresses only when it is newer than the recorded status and its signed timestamp is fresh.
 */
export async function handleWebhook(req: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  if (!verifySignature(req.rawBody, req.headers['x-hub-signature'], deps.secret)) {
    return { statusCode: 401, outcome: 'unauthorized' };
  }
  const nowMs = (deps.now ?? Date.now)();
  const now = new Date(nowMs).toISOString();
  const parsed = parseWebhook(req.rawBody.toString('utf8'), now);
  // 2xx for events that are not ours, so Jira does not retry them forever.
  if (!parsed.ok) return { statusCode: 202, outcome: 'ignored', detail: parsed.reason };
  const event = parsed.event;
  if (deps.ownAccountId !== undefined && event.actorAccountId === deps.ownAccountId) {
    return { statusCode: 202, outcome: 'ignored', detail: 'own integration user' };
  }
  if (deps.projectKey !== undefined && !event.issueKey.startsWith(`${deps.projectKey}-`)) {
    return { statusCode: 202, outcome: 'ignored', detail: `not an issue of project ${deps.projectKey}` };
  }
  const incidentId = await boundIncident(event, deps.store);
  if (incidentId === undefined) {
    return { statusCode: 202, outcome: 'ignored', detail: 'not the ticket recorded for any incident it names' };
  }
  const bound: TicketEvent = { ...event, incidentId };
  const deliveryId = req.headers['x-atlassian-webhook-identifier'];
  if (deliveryId !== undefined && !(await deps.store.markDelivery(deliveryId, now))) {
    return { statusCode: 200, outcome: 'duplicate' };
  }
  const newer = await deps.store.recordStatus(bound);
  if (bound.statusCategory === 'done' && isFalsePositive(bound.resolution, deps.falsePositiveResolutions)) {
    // A verdict acts once, when it is news: not a replay of an old one, not one older than a reopen since.
    const age = nowMs - Date.parse(bound.time);
    const fresh = bound.signedTime && Math.abs(age) <= (deps.verdictFreshnessMs ?? VERDICT_FRESHNESS_MS);
    if (!newer || !fresh) {
      return {
        statusCode: 200,
        outcome: 'recorded',
        detail: `${bound.issueKey}: false-positive verdict not applied (${!fresh ? 'stale or unsigned time' : 'not newer than the recorded status'})`,
      };
    }
    const until = new Date(nowMs + deps.suppressionMs).toISOString();
    await deps.store.suppress(incidentId, until);
    return { statusCode: 200, outcome: 'suppressed', detail: `${incidentId} until ${until}` };
  }
  return { statusCode: 200, outcome: 'recorded', detail: `${bound.issueKey} ${bound.status ?? ''}`.trim() };
}
