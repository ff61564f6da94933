import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envSchema, parseConfig } from '../../config/env';

/**
 * docs/configuration.md's table against config/env.ts's schema: every variable the product reads is
 * documented, nothing documented is unread, and each documented default is the schema's. Renaming
 * a variable or changing a default without the documentation fails here.
 */
const table = readFileSync(path.join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8')
  .split('\n')
  .filter((line) => /^\| `[A-Z]/.test(line))
  .map((line) => {
    const [names, defaults] = line.split('|').slice(1, 3);
    const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    return { names: ticked(names), defaults: ticked(defaults), defaultCell: defaults.trim() };
  });

const shown = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value));

describe('docs/configuration.md matches config/env.ts', () => {
  it('documents exactly the variables the schema reads', () => {
    const documented = table.flatMap((row) => row.names).sort();
    expect(documented).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('states each default the schema applies', () => {
    const defaults = parseConfig({}) as Record<string, unknown>;
    const wrong: string[] = [];
    for (const row of table) {
      row.names.forEach((name, i) => {
        const value = defaults[name];
        if (value === undefined) return; // "unset → …" rows describe behaviour, not a value
        const stated = row.names.length === row.defaults.length ? row.defaults[i] : row.defaults[0];
        if (stated !== shown(value))
          wrong.push(`${name}: documented ${row.defaultCell}, schema ${shown(value)}`);
      });
    }
    expect(wrong).toEqual([]);
  });
});
