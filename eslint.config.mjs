// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import deterministic from './eslint.deterministic.cjs';

/** The product's folders above a layer, as import patterns (relative imports: `../../activities/x`). */
const ABOVE = {
  domain: [
    'connectors',
    'activities',
    'workflows',
    'workers',
    'client',
    'eventlog',
    'temporal',
    'simulators',
    'config',
    'metrics',
    'logging',
    'bench',
    'scripts',
    'test',
  ],
  activities: ['workflows', 'workers', 'client', 'gateway', 'simulators', 'bench', 'scripts', 'test'],
  connectors: [
    'activities',
    'workflows',
    'workers',
    'client',
    'eventlog',
    'temporal',
    'simulators',
    'config',
    'metrics',
    'bench',
    'scripts',
    'test',
  ],
};
function layersAbove(layer) {
  return `^(\\.\\./)+(${ABOVE[layer].join('|')})(/|$)`;
}
/** A `no-restricted-imports` rule with more patterns (a later config object would replace the rule, not add to it). */
function withPatterns([level, options], patterns) {
  return [level, { ...options, patterns: [...options.patterns, ...patterns] }];
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.data/',
      '.temporal/',
      '.tools/',
      'coverage/',
      'test/fixtures/lint/',
      'reports/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', '*.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // temporal/failures.ts: the failure types, imported by workflows (so it is in the workflow bundle).
  { files: ['workflows/**/*.ts', 'temporal/failures.ts'], rules: deterministic.rules },
  // The layers point one way (docs/architecture.md): domain/ is pure and imports nothing of the
  // product above it; connectors/ (HTTP clients) import domain/ and logging/ only, nothing of Temporal.
  {
    files: ['domain/**/*.ts'],
    rules: {
      ...deterministic.rules,
      'no-restricted-imports': withPatterns(deterministic.rules['no-restricted-imports'], [
        {
          regex: layersAbove('domain'),
          message: 'domain/ is the bottom layer: it imports nothing of the product above it.',
        },
      ]),
    },
  },
  // activities/ run in the worker: never the gateway's or the CLI's code.
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layersAbove('activities'),
              message: 'activities/ import no gateway, CLI or worker-process code (layer order).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['connectors/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: layersAbove('connectors'),
              message: 'connectors/ import only domain/ and logging/ (layer order).',
            },
            {
              group: ['@temporalio/*'],
              message: 'connectors/ know nothing of Temporal; activities map their errors.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { module: 'readonly', require: 'readonly', __dirname: 'readonly' } },
  },
);
