/**
 * The REST v3 operations the pipeline uses, keyed by the OpenAPI document's operationId. A request reaches a handler
 * only after it passed authentication and the document's own validation; handlers apply what the document leaves
 * open (field-rules.ts) and answer in Jira's shapes. This file holds what every handler shares.
 */
import type { FormPart } from './multipart';
import type { Representation } from './representation';
import type { Site } from './site';
import type { IssueStore } from './store';

/** A request that passed authentication and the OpenAPI document: path parameters, query and parsed JSON body. */
export interface ApiRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The parts of a multipart/form-data body (uploads), read before validation. */
  files?: FormPart[];
}

export interface ApiResponse {
  status: number;
  /** JSON body; undefined for an empty body (204, or Jira's empty 201 for issue links). */
  body?: unknown;
  /** A body that is not JSON (an attachment's bytes), sent as is with its media type. */
  raw?: { contentType: string; bytes: Buffer };
  headers?: Record<string, string>;
}

/** What happened, for the emulator's counters. */
export interface DomainCounters {
  issuesCreated: number;
  commentsAdded: number;
  issuesEdited: number;
  transitions: number;
  links: number;
  searches: number;
  attachmentsAdded: number;
  attachmentsRemoved: number;
}

/** The emulated site and its state, shared by every handler. */
export interface RouteContext {
  site: Site;
  store: IssueStore;
  repr: Representation;
  now(): number;
  searchDelayMs: number;
  counters: DomainCounters;
}

/** Handlers are synchronous: one request's change to the state is never interleaved with another's. */
export type Handler = (ctx: RouteContext, req: ApiRequest) => ApiResponse;

export const NOT_FOUND_ISSUE: ApiResponse = {
  status: 404,
  body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} },
};

/** Jira's 400 for field problems: `{errorMessages: [], errors: {field: message}}`. */
export function fieldErrors(errors: Record<string, string>): ApiResponse {
  return { status: 400, body: { errorMessages: [], errors } };
}

/** Jira's error shape with messages only: `{errorMessages: [...], errors: {}}`. */
export function messages(status: number, ...errorMessages: string[]): ApiResponse {
  return { status, body: { errorMessages, errors: {} } };
}

/** A query parameter the document already validated as an integer. */
export function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const v = query.get(name);
  return v === null ? fallback : Number.parseInt(v, 10);
}

/** A list parameter, given repeated (`fields=a&fields=b`, as jira.js sends) or comma-separated, or both. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}
