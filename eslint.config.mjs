import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'out/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
      'no-misleading-character-class': 'off',
    },
  },
  // Boundaries: lambdas/ holds only what a Lambda bundle may import. The core is pure (no AWS SDK, no HTTP
  // client, no adapters); nothing under lambdas/ reaches the local runtime or the CLI.
  {
    files: ['lambdas/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/local/*', '**/local', '../../local/**'],
              message: 'lambdas/ may not import the local runtime.',
            },
            { group: ['**/cli/*', '**/cli'], message: 'lambdas/ may not import the CLI.' },
          ],
        },
      ],
    },
  },
  {
    files: ['lambdas/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@aws-lambda-powertools/*'],
              message: 'core/ is pure: AWS clients belong in adapters/.',
            },
            { group: ['jira.js', 'jira.js/*'], message: 'core/ is pure: the Jira client belongs in adapters/jira.' },
            { regex: '^(\\.\\./)+adapters(/|$)', message: 'core/ may not import adapters.' },
            { group: ['**/local/*', '**/local'], message: 'core/ may not import the local runtime.' },
            { group: ['**/cli/*', '**/cli'], message: 'core/ may not import the CLI.' },
            {
              group: ['**/ingest/handler', '**/ticket-sync/*', '**/jira-webhook/*', '**/topology'],
              message: 'core/ may not import handlers or deployment data.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': [
        'error',
        {
          assertFunctionNames: [
            'expect',
            'expect*',
            'assert*',
            'fc.assert',
            '*.hasResource',
            '*.hasResourceProperties',
            '*.resourceCountIs',
            '*.resourcePropertiesCountIs',
          ],
        },
      ],
    },
  },
);
