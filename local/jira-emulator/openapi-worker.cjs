'use strict';
/**
 * Validates requests and responses against Atlassian's Jira Cloud OpenAPI document with openapi-backend, in a worker
 * thread. It is a worker, and plain CommonJS, because openapi-backend requires @apidevtools/json-schema-ref-parser,
 * which is ESM-only: Node >= 20.19 loads it through require(), but jest's module registry cannot, so the emulator's
 * tests could not load the validator in their own thread. A worker loads modules with Node's own loader everywhere.
 *
 * Protocol (see openapi.ts): { id, kind: 'request', req } -> { id, result: RequestCheck }
 *                            { id, kind: 'response', operationId, status, body } -> { id, result: ResponseCheck }
 *                            failures -> { id, error }
 */
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { gunzipSync } = require('node:zlib');
const { OpenAPIBackend } = require('openapi-backend');

/**
 * Jira writes timestamps as `2021-01-17T12:34:00.000+0000` (its own examples in the document do): an offset without a
 * colon, which RFC 3339 `date-time` refuses. Both spellings are accepted; anything else is not.
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;
const isAbsoluteUrl = (value) => {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
};
const FORMATS = {
  'date-time': (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v),
  uri: isAbsoluteUrl,
  url: isAbsoluteUrl,
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
};

const document = JSON.parse(gunzipSync(readFileSync(workerData.documentPath)).toString('utf8'));
// `components.schemas.Fields.properties.issuetype` is `{ description, $ref }`. OpenAPI 3.0 ignores siblings of `$ref`,
// so dropping them changes no meaning, and the loader refuses the document while they are there.
const fields = document.components && document.components.schemas && document.components.schemas.Fields;
if (fields && fields.properties && fields.properties.issuetype && fields.properties.issuetype.$ref) {
  fields.properties.issuetype = { $ref: fields.properties.issuetype.$ref };
}

// `quick: true` starts in tens of milliseconds and compiles each operation's validators on first use; without it the
// 616 operations take ~23 s to compile up front.
const api = new OpenAPIBackend({
  definition: document,
  quick: true,
  validate: true,
  // Formats Ajv does not know are registered so responses are really checked, and so Ajv does not print "unknown format
  // ignored" for every schema it compiles.
  customizeAjv: (ajv) => {
    for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
    return ajv;
  },
});
const ready = api.init();

const describe = (errors) => (errors || []).map((e) => `${e.instancePath || '/'} ${e.message || e.keyword}`);

// openapi-backend routes by trying every path template of the document (~1.2 ms a request); an emulator sees the same
// few paths again and again, so each method and path is routed once.
const routes = new Map();
const MAX_ROUTES = 10000;
function route(req) {
  const key = `${req.method.toUpperCase()} ${req.path}`;
  if (!routes.has(key)) {
    if (routes.size >= MAX_ROUTES) routes.clear();
    routes.set(key, api.matchOperation(req));
  }
  return routes.get(key);
}

function checkRequest(req) {
  const operation = route(req);
  if (!operation || !operation.operationId) return { kind: 'unknown-route' };
  const result = api.validateRequest(req, operation);
  if (!result.valid) return { kind: 'invalid', operationId: operation.operationId, errors: describe(result.errors) };
  return { kind: 'valid', operationId: operation.operationId, params: api.router.parseRequest(req, operation).params };
}

function checkResponse(operationId, status, body) {
  const operation = api.getOperation(operationId);
  if (!operation) throw new Error(`the Jira OpenAPI document has no operation ${operationId}`);
  const response = operation.responses && operation.responses[String(status)];
  // Only statuses the document gives a JSON body can be checked (it declares e.g. 404 and 413 without one).
  if (!response || !response.content || !response.content['application/json']) return { checked: false, errors: [] };
  const result = api.validateResponse(body, operation, status);
  return { checked: true, errors: result.valid ? [] : describe(result.errors) };
}

parentPort.on('message', async (message) => {
  try {
    await ready;
    const result =
      message.kind === 'request'
        ? checkRequest(message.req)
        : checkResponse(message.operationId, message.status, message.body);
    parentPort.postMessage({ id: message.id, result });
  } catch (err) {
    parentPort.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
  }
});
