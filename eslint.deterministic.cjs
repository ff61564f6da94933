/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed: it must not do IO, use
 * Node built-ins, or read the clock or randomness except through the SDK. These rules apply to
 * workflows/ and to the domain code that workflows import (see eslint.config.mjs); the lint test
 * applies them to fixtures.
 */
const NODE_BUILTINS = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'console',
  'constants',
  'crypto',
  'dgram',
  'diagnostics_channel',
  'dns',
  'domain',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'punycode',
  'querystring',
  'readline',
  'repl',
  'stream',
  'string_decoder',
  'sys',
  'timers',
  'tls',
  'trace_events',
  'tty',
  'url',
  'util',
  'v8',
  'vm',
  'wasi',
  'worker_threads',
  'zlib',
];
const IO_MODULES = [
  'axios',
  'fastify',
  '@fastify/*',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  'playwright-core',
  'yaml',
];

const rules = {
  'no-restricted-imports': [
    'error',
    {
      paths: NODE_BUILTINS.map((name) => ({ name, message: 'Workflow code must not use Node built-ins.' })),
      patterns: [
        { group: ['node:*'], message: 'Workflow code must not use Node built-ins.' },
        { group: IO_MODULES, message: 'Workflow code must not do IO; call an activity instead.' },
        {
          group: ['**/activities', '**/activities/*', '!**/activities/*.types'],
          allowTypeImports: true,
          message: 'Workflows import activity types only (import type).',
        },
        {
          group: ['**/connectors/*', '**/connectors/*/*'],
          // Types are erased: the error kinds may be named (temporal/failures.ts), the code not imported.
          allowTypeImports: true,
          message: 'Workflow code must not import IO modules.',
        },
        {
          group: ['**/simulators/*', '**/client/*', '**/workers/*', '**/config/*'],
          message: 'Workflow code must not import IO modules.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
    { name: 'setInterval', message: 'Use sleep() in a loop.' },
    { name: 'setImmediate', message: 'Not deterministic.' },
    { name: 'process', message: 'Workflow code must not read the process.' },
    { name: 'Buffer', message: 'Node built-in; not available in workflows.' },
    { name: 'require', message: 'Use static imports.' },
    { name: 'fetch', message: 'Workflow code must not do IO; call an activity instead.' },
    { name: 'crypto', message: 'Use uuid4() from @temporalio/workflow.' },
    { name: 'performance', message: 'Use workflow time.' },
  ],
  'no-restricted-properties': [
    'error',
    {
      object: 'Date',
      property: 'now',
      message: 'Use workflowNow() from workflows/clock.ts (the SDK-patched clock, in one audited place).',
    },
    { object: 'Math', property: 'random', message: 'Use uuid4() or a seeded value from the workflow.' },
  ],
};

module.exports = { rules, NODE_BUILTINS, IO_MODULES };
