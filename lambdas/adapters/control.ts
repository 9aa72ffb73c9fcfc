import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { RetryableError } from '../core/errors';
import { parseControl } from '../core/sync/control';
import type { TicketingControl } from '../core/sync/control';

/**
 * The kill switch and the ticket budget (core/sync/control.ts) as the deployed stack keeps them: two SSM parameters
 * read together, at most once a minute per container, so a change applies within about a minute without a redeploy.
 */

/** Parameter name → value (undefined: the parameter does not exist). */
export type ParameterReader = (names: string[]) => Promise<Record<string, string | undefined>>;

/** Reads parameters with one `GetParameters` call. */
export function ssmParameterReader(client: SSMClient = new SSMClient({})): ParameterReader {
  return async (names) => {
    const r = await client.send(new GetParametersCommand({ Names: names }));
    const values: Record<string, string | undefined> = {};
    for (const p of r.Parameters ?? []) if (p.Name !== undefined) values[p.Name] = p.Value;
    return values;
  };
}

export interface ControlSourceOptions {
  read: ParameterReader;
  /** The kill switch's parameter name and the cap's. */
  modeParameter: string;
  capParameter: string;
  /** How long a read is used (default 60 s). */
  ttlMs?: number;
  now?: () => number;
  /** Told once per read about a value that could not be understood (it then stops ticketing). */
  onProblem?: (problem: string) => void;
}

/** The controls, cached; when SSM cannot be read the last known controls stay in force. */
export class ControlSource {
  private last: { control: TicketingControl; at: number } | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly o: ControlSourceOptions) {
    this.ttlMs = o.ttlMs ?? 60_000;
    this.now = o.now ?? Date.now;
  }

  /** @throws RetryableError when the parameters were never read and cannot be now. */
  async get(): Promise<TicketingControl> {
    if (this.last !== undefined && this.now() - this.last.at < this.ttlMs) return this.last.control;
    let values: Record<string, string | undefined>;
    try {
      values = await this.o.read([this.o.modeParameter, this.o.capParameter]);
    } catch (err) {
      if (this.last !== undefined) return this.last.control;
      throw new RetryableError(
        `the ticketing controls (${this.o.modeParameter}, ${this.o.capParameter}) could not be read`,
        {},
        { cause: err },
      );
    }
    const { control, problems } = parseControl(values[this.o.modeParameter], values[this.o.capParameter]);
    for (const p of problems) this.o.onProblem?.(p);
    this.last = { control, at: this.now() };
    return control;
  }
}
