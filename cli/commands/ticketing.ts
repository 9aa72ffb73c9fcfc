import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { TICKETING_MODES, parseControl } from '../../lambdas/core/sync/control';
import type { TicketingControl, TicketingMode } from '../../lambdas/core/sync/control';
import { CliError } from '../errors';
import { operatorValues, requireValues } from '../stack-outputs';
import type { StackValues } from '../stack-outputs';

/**
 * `a2t ticketing [on|dry-run|off] [--cap N] --stack NAME`: shows, or sets, the deployed stack's kill switch and
 * hourly ticket cap (its two SSM parameters). ticket-sync reads them at most a minute later; no redeploy.
 */
export async function ticketingCommand(
  mode: string | undefined,
  opts: { stack?: string; cap?: string },
  deps: { ssm?: SSMClient; read?: (name: string) => Promise<StackValues>; env?: NodeJS.ProcessEnv } = {},
): Promise<{ before: TicketingControl; after: TicketingControl; parameters: { mode: string; cap: string } }> {
  if (mode !== undefined && !(TICKETING_MODES as readonly string[]).includes(mode)) {
    throw new CliError(`the kill switch is one of ${TICKETING_MODES.join(', ')} (got ${mode})`, 2);
  }
  if (opts.cap !== undefined && !/^\d{1,6}$/.test(opts.cap)) {
    throw new CliError(`--cap is a whole number of tickets per hour (got ${opts.cap})`, 2);
  }
  const { values, from } = await operatorValues(opts.stack, deps.env ?? process.env, deps.read);
  const p = requireValues(values, ['ticketingParameter', 'ticketCapParameter'], from);
  const ssm = deps.ssm ?? new SSMClient({});
  const read = async (): Promise<TicketingControl> => {
    const r = await ssm.send(new GetParametersCommand({ Names: [p.ticketingParameter, p.ticketCapParameter] }));
    const byName = new Map((r.Parameters ?? []).map((x) => [x.Name, x.Value] as const));
    return parseControl(byName.get(p.ticketingParameter), byName.get(p.ticketCapParameter)).control;
  };
  const before = await read();
  const put = (name: string, value: string) =>
    ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
  if (mode !== undefined) await put(p.ticketingParameter, mode as TicketingMode);
  if (opts.cap !== undefined) await put(p.ticketCapParameter, opts.cap);
  const after = mode !== undefined || opts.cap !== undefined ? await read() : before;
  return { before, after, parameters: { mode: p.ticketingParameter, cap: p.ticketCapParameter } };
}
