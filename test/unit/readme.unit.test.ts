import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The README and docs/ as a newcomer reads them: short, every link landing inside the
 * repository, and the walk through one request naming files and code that exist.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const docs = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

/** Every file under these folders, repository-relative. */
function filesUnder(...dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(ROOT, dir))) {
      const path = `${dir}/${name}`;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  dirs.forEach(walk);
  return out;
}

/** The relative links of a markdown file: [label](target), images and anchors-only excepted. */
export function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^(https?:|mailto:|#)/.test(t))
    .map((t) => t.replace(/#.*$/, ''));
}

/** What in a README's request walk names code: file paths, identifiers and code snippets. */
export function namedInWalk(walk: string): { paths: string[]; names: string[]; snippets: string[] } {
  const ticks = [...walk.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());
  return {
    paths: ticks.filter((t) => /^[\w./-]+\.(ts|cjs|json|lua)$/.test(t)),
    // camelCase or PascalCase names (a call's "()" dropped): each must exist in the code
    names: ticks
      .map((t) => t.replace(/\(\)$/, ''))
      .filter((t) => /^[A-Za-z]\w*$/.test(t) && /[a-z][A-Z]/.test(t)),
    snippets: ticks.filter((t) => /\w\(.*[,)]/.test(t) && !/\(\)$/.test(t)),
  };
}

/** The "One request" section of the README. */
const walkOf = (readme: string) => {
  const start = readme.indexOf('### One request');
  if (start < 0) throw new Error('the README has no "One request" section');
  const end = readme.indexOf('\n#', start + 4);
  return readme.slice(start, end < 0 ? undefined : end);
};

/** Whether each thing a walk names exists in these code files (their path and text). */
export function missingFromCode(
  walk: string,
  code: { path: string; text: string }[],
  files: string[] = code.map((c) => c.path),
): string[] {
  const { paths, names, snippets } = namedInWalk(walk);
  const flat = code.map((c) => ({ ...c, flat: c.text.replace(/\s+/g, ' ') }));
  return [
    ...paths.filter((p) => !files.some((f) => f === p || f.endsWith(`/${p}`))).map((p) => `file ${p}`),
    ...names
      .filter((n) => !flat.some((c) => new RegExp(`(?<![\\w$])${n}(?![\\w$])`).test(c.text)))
      .map((n) => `name ${n}`),
    ...snippets.filter((s) => !flat.some((c) => c.flat.includes(s))).map((s) => `code ${s}`),
  ];
}

const files = filesUnder('functions', 'shared', 'scripts', 'test');
// (This file's text left out: its examples of stale walks would otherwise be found here.)
const code = files
  .filter((path) => path !== relative(ROOT, fileURLToPath(import.meta.url)))
  .map((path) => ({ path, text: read(path) }));

describe('README and docs', () => {
  it('the README is short: under 200 lines', () => {
    expect(read('README.md').split('\n').length).toBeLessThan(200);
  });

  it('every relative link in the README and docs/ resolves inside the repository', () => {
    const broken: string[] = [];
    for (const file of ['README.md', 'CONTRIBUTING.md', ...docs].filter((f) => existsSync(join(ROOT, f))))
      for (const target of relativeLinks(read(file))) {
        const path = resolve(ROOT, dirname(file), target);
        if (relative(ROOT, path).startsWith('..') || !existsSync(path)) broken.push(`${file} -> ${target}`);
      }
    expect(broken).toEqual([]);
  });

  it('the one request the README walks through names files, names and code that exist', () => {
    const walk = walkOf(read('README.md'));
    expect(namedInWalk(walk).paths.length).toBeGreaterThan(10);
    expect(missingFromCode(walk, code, files)).toEqual([]);
  });

  it('can fail: a walk naming a moved file, a renamed function or code the handler no longer has', () => {
    const stale = [
      '1. `functions/hotdeals/order.ts`: `respond(routes.orderHotDeal, hotDealOrders, (placeOrder,',
      '{ params, body, headers }) => placeOrder(...))`, the whole file.',
      '2. `shared/sql/database.ts` holds `runLegacyStatement`.',
    ].join('\n');
    expect(missingFromCode(stale, code, files)).toEqual([
      'file shared/sql/database.ts',
      'name runLegacyStatement',
      'code respond(routes.orderHotDeal, hotDealOrders, (placeOrder, { params, body, headers }) => placeOrder(...))',
    ]);
  });
});
