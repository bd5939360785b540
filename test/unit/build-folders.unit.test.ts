import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * serverless-esbuild cleans its work folder before a build: two runs sharing one (a
 * `serverless package` by hand beside `npm run dev`) delete each other's build, and the
 * running server answers 502 from then on. Every run that builds has a folder of its own.
 */
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const folder = (text: string, pattern: RegExp, where: string) => {
  const found = pattern.exec(text)?.[1];
  if (!found) throw new Error(`${where} names no build folder`);
  return found;
};

describe('build work folders', () => {
  it("npm run dev, the tests, the bench and packaging each build in their own, none in serverless.yml's default", () => {
    const byDefault = folder(
      read('serverless.yml'),
      /outputWorkFolder: \$\{env:OSHOP_ESBUILD_DIR, '([^']+)'\}/,
      'serverless.yml',
    );
    const folders = {
      dev: folder(
        read('scripts/dev.sh'),
        /OSHOP_ESBUILD_DIR="\$\{OSHOP_ESBUILD_DIR:-([^}]+)\}"/,
        'scripts/dev.sh',
      ),
      tests: folder(read('test/support/offline-server.ts'), /OSHOP_ESBUILD_DIR: '([^']+)'/, 'the e2e server'),
      bench: folder(read('scripts/lib/bench/local-api.ts'), /OSHOP_ESBUILD_DIR: '([^']+)'/, 'the bench'),
      package: folder(read('scripts/lib/deploy/package.ts'), /OSHOP_ESBUILD_DIR: `([^`]+)`/, 'packaging'),
    };
    expect(Object.values(folders)).not.toContain(byDefault);
    expect(new Set(Object.values(folders)).size).toBe(Object.keys(folders).length);
  });
});
