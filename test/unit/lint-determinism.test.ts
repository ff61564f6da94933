import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// The lint rule is what keeps workflow code replayable; prove it catches what it must.
const deterministic = require('../../eslint.deterministic.cjs') as { rules: Record<string, unknown> };
const fixtures = path.join(__dirname, '..', 'fixtures', 'lint');

async function lint(file: string) {
  const eslint = new ESLint({
    cwd: fixtures,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: {
          parser: tseslint.parser as never,
          parserOptions: { project: path.join(fixtures, 'tsconfig.json'), tsconfigRootDir: fixtures },
        },
        plugins: { '@typescript-eslint': tseslint.plugin as never },
        rules: { ...(deterministic.rules as object), '@typescript-eslint/no-floating-promises': 'error' },
      },
    ],
  });
  const [result] = await eslint.lintFiles([path.join(fixtures, 'workflows', file)]);
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('workflow determinism lint', () => {
  it('rejects a workflow that imports fs', async () => {
    const messages = await lint('imports-fs.ts');
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*Node built-ins/)]);
  });

  it('rejects a workflow that imports axios', async () => {
    const messages = await lint('imports-axios.ts');
    expect(messages).toEqual([expect.stringMatching(/^no-restricted-imports: .*must not do IO/)]);
  });

  it('rejects Date.now() and Math.random()', async () => {
    const messages = await lint('nondeterministic.ts');
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => m.startsWith('no-restricted-properties'))).toBe(true);
  });

  it('rejects a floating promise', async () => {
    expect(await lint('floating.ts')).toEqual([
      expect.stringMatching(/^@typescript-eslint\/no-floating-promises/),
    ]);
  });

  it('accepts a workflow that uses the SDK', async () => {
    expect(await lint('clean.ts')).toEqual([]);
  });

  it('the project config applies these rules to workflows/ and domain/, not to activities/', async () => {
    // --print-config in a child: the project config is ESM, which jest's module loader cannot import.
    const root = path.join(__dirname, '..', '..');
    const ruleOf = async (file: string) => {
      const out = execFileSync(path.join(root, 'node_modules', '.bin', 'eslint'), ['--print-config', file], {
        cwd: root,
        encoding: 'utf8',
      });
      const rule = (JSON.parse(out) as { rules: Record<string, unknown[]> }).rules['no-restricted-imports'];
      return rule?.[1];
    };
    expect(await ruleOf('workflows/diagnostics.ts')).toEqual(
      (deterministic.rules['no-restricted-imports'] as unknown[])[1],
    );
    // domain/ gets the same rules plus its layer rule (test/unit/lint-layers.test.ts).
    const workflowRule = (deterministic.rules['no-restricted-imports'] as unknown[])[1] as {
      paths: unknown[];
      patterns: unknown[];
    };
    expect(await ruleOf('domain/anything.ts')).toEqual({
      paths: workflowRule.paths,
      patterns: [
        ...workflowRule.patterns,
        expect.objectContaining({ regex: expect.stringContaining('connectors') }),
      ],
    });
    // activities/ do IO: no determinism rules there, only their layer rule.
    expect(await ruleOf('activities/diagnostics.ts')).toEqual({
      patterns: [expect.objectContaining({ regex: expect.stringContaining('gateway') })],
    });
  });
});
