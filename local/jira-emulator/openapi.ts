import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Atlassian's Jira Cloud platform OpenAPI document as a request router and validator (openapi-backend, `quick: true`),
 * loaded once per process in a worker thread (openapi-worker.cjs says why it is a worker). The document ships with
 * the emulator, gzipped (openapi/SOURCE.md).
 */

const DOCUMENT_PATH = join(__dirname, 'openapi', 'jira-platform-v3.json.gz');
const WORKER_PATH = join(__dirname, 'openapi-worker.cjs');

/** A request as the router and validator see it. `query` is the raw query string, parsed the way the document says. */
export interface OpenApiRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[]>;
  body?: unknown;
}

export type RequestCheck =
  | { kind: 'unknown-route' }
  | { kind: 'invalid'; operationId: string; errors: string[] }
  | { kind: 'valid'; operationId: string; params: Record<string, string> };

export interface ResponseCheck {
  /** False when the document declares no JSON body for this status, so there was nothing to check against. */
  checked: boolean;
  errors: string[];
}

/** Routing and validation against the document. */
export interface JiraContract {
  /** Routes a request to its operation and validates its path, query and body. */
  checkRequest(req: OpenApiRequest): Promise<RequestCheck>;
  /** Validates a response body against the schema the document declares for the operation and status. */
  checkResponse(operationId: string, status: number, body: unknown): Promise<ResponseCheck>;
}

type Reply = { id: number; result?: unknown; error?: string };

class WorkerContract implements JiraContract {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiter?.reject(new Error(`Jira OpenAPI validator: ${reply.error}`));
      else waiter?.resolve(reply.result);
      if (this.pending.size === 0) worker.unref();
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`Jira OpenAPI validator stopped (exit ${code})`)));
    worker.unref();
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
    contract = undefined;
  }

  private ask<T>(message: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    // Referenced while an answer is awaited, unreferenced when idle: an idle validator never keeps a process alive.
    this.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, ...message });
    });
  }

  checkRequest(req: OpenApiRequest): Promise<RequestCheck> {
    return this.ask({ kind: 'request', req });
  }

  checkResponse(operationId: string, status: number, body: unknown): Promise<ResponseCheck> {
    return this.ask({ kind: 'response', operationId, status, body });
  }
}

let contract: WorkerContract | undefined;

/** The shared validator of this process, started on first use. */
export function jiraContract(): JiraContract {
  // execArgv: [] keeps loaders of the main thread (tsx's TypeScript hooks) out of the worker, which is plain CommonJS
  // and starts ~3x faster without them.
  contract ??= new WorkerContract(
    new Worker(WORKER_PATH, { workerData: { documentPath: DOCUMENT_PATH }, execArgv: [] }),
  );
  return contract;
}
