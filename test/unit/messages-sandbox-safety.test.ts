/**
 * domain/billsby is imported by Temporal workflow code, which runs in a deterministic sandbox:
 * no Node built-ins, no clock, no randomness, no IO. This scan fails fast (before a workflow
 * bundle does) if one creeps in.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const DOMAIN_DIR = join(__dirname, '../../domain/billsby');
const sources = readdirSync(DOMAIN_DIR)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, code: readFileSync(join(DOMAIN_DIR, name), 'utf8') }));

test('there are sources to check', () => {
  expect(sources.map((s) => s.name)).toEqual(
    expect.arrayContaining(['index.ts', 'event-schema.ts', 'message-templates.ts']),
  );
});

test.each(sources.map((s) => [s.name, s.code]))('%s imports only relative modules and zod', (_name, code) => {
  const specifiers = [...code.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  for (const specifier of specifiers) expect(specifier).toMatch(/^(\.\/|zod$)/);
});

test.each(sources.map((s) => [s.name, s.code]))(
  '%s uses no clock, randomness or Node globals',
  (_name, code) => {
    const withoutComments = code.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const banned of [
      'Date.now',
      'new Date()',
      'Math.random',
      'Buffer',
      'TextEncoder',
      'process.',
      'setTimeout',
      'console.',
    ]) {
      expect(withoutComments).not.toContain(banned);
    }
  },
);
