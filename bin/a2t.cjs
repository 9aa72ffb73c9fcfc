#!/usr/bin/env node
'use strict';
// The CLI is TypeScript: tsx compiles it on the fly (cached), so `npx a2t` works right after `npm ci`, no build step.
require('tsx/cjs');
require('./a2t.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
