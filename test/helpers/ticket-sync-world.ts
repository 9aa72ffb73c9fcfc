import { ticketSyncSettings } from '../../lambdas/adapters/config';
import { DynamoIngestStore } from '../../lambdas/adapters/dynamodb/ingest-store';
import { DynamoTicketStore } from '../../lambdas/adapters/dynamodb/ticket-store';
import { JiraGateway } from '../../lambdas/adapters/jira/gateway';
import { normalizeInput } from '../../lambdas/core/formats';
import { ingestBatch } from '../../lambdas/core/ingest/ingest-batch';
import { MemoryTicketQueue } from '../../lambdas/core/ingest/memory-store';
import { reportDrafter } from '../../lambdas/core/sync/drafter';
import type { SyncDeps } from '../../lambdas/core/sync/sync-incident';
import { startJiraEmulator } from '../../local/jira-emulator';
import type { JiraEmulator, JiraEmulatorOptions } from '../../local/jira-emulator';
import type { LocalDynamoSuite } from './local-dynamo';

/** ticket-sync against the Jira emulator and the local DynamoDB server, as its integration suites set it up. */

/** One generic alert of the run-key attack on FIN-WS-034, `id` seconds after 21:25:00Z. */
export const runKeyAlert = (id: number, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    alert_id: `A-${id}`,
    timestamp: new Date(Date.parse('2024-02-15T21:25:00Z') + id * 1000).toISOString(),
    host: 'FIN-WS-034',
    user: 'CORP\\jwilliams',
    rule: 'Registry Run Key Modification by Suspicious Process',
    severity: 85,
    technique: 'T1547.001',
    registry: {
      key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run',
      value_name: 'WindowsSecurityUpdate',
      value_data: 'C:\\Windows\\System32\\rundll32.exe C:\\ProgramData\\Microsoft\\Drivers\\security.dll,UpdateNow',
    },
    ...over,
  });

/** A fresh table, a Jira emulator on the test's clock, the real gateway and stores, and ticket-sync's deps. */
export interface SyncWorld {
  jira: JiraEmulator;
  gateway: JiraGateway;
  tickets: DynamoTicketStore;
  /** Ingests the bodies as one batch; the id of the (first) incident they made. */
  ingest: (bodies: string[]) => Promise<string>;
  deps: (over?: Partial<SyncDeps>) => SyncDeps;
  clock: { now: number };
}

export async function syncWorld(
  local: LocalDynamoSuite,
  prefix: string,
  site: JiraEmulatorOptions = {},
): Promise<SyncWorld> {
  const table = await local.newTable(prefix);
  const clock = { now: Date.parse('2024-02-15T21:30:00Z') };
  // The emulator shares the test's clock: its search lag passes when the test says time has passed.
  const jira = await startJiraEmulator({ now: () => clock.now, ...site });
  const gateway = new JiraGateway({
    baseUrl: jira.url,
    email: jira.site.email,
    apiToken: jira.site.apiToken,
    onSchemaMismatch: 'throw',
    sleep: async () => undefined,
  });
  const store = new DynamoIngestStore(local.doc, table);
  const tickets = new DynamoTicketStore(local.doc, table);
  let m = 0;
  return {
    jira,
    gateway,
    tickets,
    clock,
    ingest: async (bodies) => {
      const units = bodies.map((b) => ({ messageId: `m-${++m}`, ...normalizeInput(b, 'test') }));
      const r = await ingestBatch(units, store, new MemoryTicketQueue());
      return [...r.incidents.keys()][0];
    },
    deps: (over = {}) => ({
      store: tickets,
      jira: gateway,
      drafter: reportDrafter(),
      settings: {
        ...ticketSyncSettings({ projectKey: 'SOC', issueTypeName: jira.site.issueTypes[0] }),
        staleClaimMs: 60_000,
      },
      owner: 'test',
      now: () => clock.now,
      ...over,
    }),
  };
}

export class Crash extends Error {}

/** A port whose `method` throws (after or before delegating): a Lambda that dies at that point. */
export function crashing<T extends object>(target: T, method: keyof T, after: boolean): T {
  return new Proxy(target, {
    get(t, p, r) {
      const v = Reflect.get(t, p, r);
      if (p !== method || typeof v !== 'function') return typeof v === 'function' ? v.bind(t) : v;
      return async (...args: unknown[]) => {
        if (!after) throw new Crash(`crash before ${String(method)}`);
        await (v as (...a: unknown[]) => Promise<unknown>).apply(t, args);
        throw new Crash(`crash after ${String(method)}`);
      };
    },
  });
}
