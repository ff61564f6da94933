import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * No import circle in workflows/ or config/ (issue 24): a circle makes module order decide what is
 * `undefined` at load time, which in the workflow sandbox fails only at replay. Every relative
 * import counts, type-only ones too (they are one refactor away from being real).
 */
const ROOT = path.join(__dirname, '..', '..');
const FOLDERS = ['workflows', 'config'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)) {
    const base = path.resolve(path.dirname(file), match[1]);
    const found = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate));
    if (found) targets.push(found);
  }
  return targets;
}

/** Every circle reachable in `graph`, as the list of files around it. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

describe('import circles', () => {
  it.each(FOLDERS)('none in %s/', (folder) => {
    const files = sourceFiles(path.join(ROOT, folder));
    expect(files.length).toBeGreaterThan(1);
    const graph = new Map(files.map((file) => [file, relativeImports(file)]));
    const cycles = findCycles(graph).map((cycle) => cycle.map((f) => path.relative(ROOT, f)).join(' → '));
    expect(cycles).toEqual([]);
  });

  it('the search finds a circle when there is one (so "none" above means none)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
