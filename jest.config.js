/**
 * Two projects: `unit` (pure code, AWS clients mocked: no server, no port) and `integration` (the local SQS server,
 * started once by this project's global setup, plus the local DynamoDB and the Jira emulator each suite starts for
 * itself). `npm test` runs both; `npm run test:unit` / `npm run test:integration` one each.
 */

/** Suites that need a local server; every other suite under test/ is a unit suite. */
const INTEGRATION = [
  'test/integration/',
  'test/e2e/',
  'test/faults/',
  'test/handlers/',
  'test/local/',
  // The gateway against the Jira emulator over HTTP (test/adapters/jira/jql.test.ts stays a unit suite).
  'test/adapters/jira/gateway.test.ts',
  // `a2t replay` end to end: its exit code, and its incidents beside draft's and shadow mode's.
  'test/cli/replay.test.ts',
];

/** What both projects share: TypeScript through ts-jest, and jira.js (ESM-only) transpiled to CommonJS. */
const common = {
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  testEnvironment: 'node',
  // TypeScript first: bin/a2t.ts is the CLI module, bin/a2t.cjs only its npx launcher.
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'node'],
  // jira.js 6 is ESM-only: map it to its dist and let ts-jest transpile it to CommonJS.
  moduleNameMapper: { '^jira\\.js$': '<rootDir>/node_modules/jira.js/dist/index.js' },
  transformIgnorePatterns: ['/node_modules/(?!jira\\.js/)'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+/jira\\.js/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', isolatedModules: true } },
    ],
  },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...INTEGRATION.map((p) => `<rootDir>/${p}`)],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: INTEGRATION.map((p) => (p.endsWith('/') ? `<rootDir>/${p}**/*.test.ts` : `<rootDir>/${p}`)),
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
      setupFilesAfterEnv: ['<rootDir>/test/helpers/integration-timeout.ts'],
    },
  ],
  // A guard against a hang, not a speed check (the integration project raises it in its setup file).
  testTimeout: 60_000,
  // One worker per core (jest's default leaves one core to its own process, which idles: half of a 2-core laptop).
  maxWorkers: '100%',
};
