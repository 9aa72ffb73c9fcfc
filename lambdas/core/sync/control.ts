import { RetryableError } from '../errors';

/**
 * The run-time controls of ticketing, read from two SSM parameters on every invocation (cached a minute), so an
 * operator can stop a flood without a redeploy:
 * - the kill switch: `on` (tickets as usual), `dry-run` (draft and log what would be sent, no Jira writes, no ticket
 *   state written; the hand-offs are consumed), `off` (nothing is drafted or sent; hand-offs wait on the queue);
 * - the budget: at most this many tickets created (new and follow-up) per clock hour; the rest wait for the next hour.
 */

export const TICKETING_MODES = ['on', 'dry-run', 'off'] as const;
export type TicketingMode = (typeof TICKETING_MODES)[number];

export interface TicketingControl {
  mode: TicketingMode;
  /** Tickets created per UTC clock hour; 0 lets none be created. */
  maxTicketsPerHour: number;
}

/** No control parameters (the CLI, the demo): ticketing on, no cap. */
export const UNCONTROLLED: TicketingControl = { mode: 'on', maxTicketsPerHour: Number.POSITIVE_INFINITY };

/** The largest cap a parameter may hold (the stack's allowed pattern is up to six digits). */
const MAX_CAP = 999_999;

/**
 * The controls from the parameters' text. A value that cannot be read stops ticketing rather than guessing: an
 * unknown mode reads as `off`, an unreadable cap as 0, each with a problem line for the log and the alarm.
 */
export function parseControl(
  modeText: string | undefined,
  capText: string | undefined,
): { control: TicketingControl; problems: string[] } {
  const problems: string[] = [];
  const m = (modeText ?? '').trim().toLowerCase();
  let mode: TicketingMode = 'off';
  if ((TICKETING_MODES as readonly string[]).includes(m)) mode = m as TicketingMode;
  else
    problems.push(
      `kill switch ${JSON.stringify(modeText ?? null)} is not one of ${TICKETING_MODES.join(', ')}: ticketing is off`,
    );
  const c = (capText ?? '').trim();
  let maxTicketsPerHour = 0;
  if (/^\d{1,6}$/.test(c)) maxTicketsPerHour = Math.min(MAX_CAP, Number(c));
  else problems.push(`ticket cap ${JSON.stringify(capText ?? null)} is not a whole number: no ticket will be created`);
  return { control: { mode, maxTicketsPerHour }, problems };
}

/** The kill switch is `off`: the hand-off goes back to the queue, untouched, with the usual growing wait. */
export class TicketingOffError extends RetryableError {
  constructor() {
    super('ticketing is off (kill switch): the hand-off waits on the queue');
  }
}
