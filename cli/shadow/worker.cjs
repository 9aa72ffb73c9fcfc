'use strict';
/**
 * Worker thread entry of a shadow run (see pool.ts). The work is TypeScript: tsx compiles it on the fly, the way
 * bin/a2t.cjs runs the CLI, so the worker starts the same under `npx a2t`, `npx tsx bin/a2t.ts` and jest (whose
 * module registry does not reach into worker threads: a worker always loads with Node's own loader).
 */
require('tsx/cjs');
require('./worker.ts');
