/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
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
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 60000,
};
