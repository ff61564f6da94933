import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Every relative link in README.md, docs/ and bench/README.md resolves: the file exists and, for
 * `#anchor`, the target Markdown file has a heading with that GitHub slug. A moved or renamed file
 * or section fails here instead of leaving a newcomer at a dead link.
 */
const ROOT = path.join(__dirname, '..', '..');
const DOCS = [
  'README.md',
  'bench/README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces → `-`. */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of text.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = githubSlug(match[1]);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

function relativeLinks(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('documentation links', () => {
  it('finds the documents and their links (the check below is not vacuous)', () => {
    expect(DOCS).toEqual(
      expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/configuration.md']),
    );
    expect(relativeLinks('README.md').length).toBeGreaterThan(10);
  });

  it.each(DOCS)('every relative link in %s resolves', (file) => {
    const broken: string[] = [];
    for (const link of relativeLinks(file)) {
      const [target, anchor] = link.split('#');
      const resolved = target ? path.resolve(ROOT, path.dirname(file), target) : path.join(ROOT, file);
      if (!existsSync(resolved)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (
        anchor &&
        statSync(resolved).isFile() &&
        resolved.endsWith('.md') &&
        !anchorsOf(resolved).has(anchor)
      )
        broken.push(`${link}: no heading with anchor #${anchor}`);
    }
    expect(broken).toEqual([]);
  });

  it('the slug rule matches GitHub’s for the headings this repository links to', () => {
    expect(githubSlug('What is kept, and for how long')).toBe('what-is-kept-and-for-how-long');
    expect(githubSlug('Reaching the Web UI and the codec')).toBe('reaching-the-web-ui-and-the-codec');
    expect(githubSlug('Public Billsby webhooks (`public`, issue 21 item 5): figures')).toBe(
      'public-billsby-webhooks-public-issue-21-item-5-figures',
    );
  });
});
