import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * Locally the X-Ray SDK must start in manual mode (shared/platform/xray-mode.ts): its
 * automatic mode hooks the life of every promise (cls-hooked) for traces nothing sends. The
 * switch is an import for its side effect alone, which a bundler drops under package.json's
 * "sideEffects" unless that names it (it once did, silently). So: bundled as the functions
 * are (serverless.yml custom.esbuild) and loaded on the local stage, the SDK made no
 * automatic-mode namespace.
 */
const localEnv = () => {
  const { AWS_XRAY_MANUAL_MODE: _decidedByTheBundle, ...env } = process.env;
  return { ...env, STAGE: 'local' };
};

describe("the X-Ray SDK's mode in the functions' bundle", () => {
  it('is manual on the local stage: no cls-hooked namespace is made', async () => {
    const out = await build({
      entryPoints: ['shared/platform/tracer.ts'],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      write: false,
      logLevel: 'silent',
      external: ['@aws-sdk/*'],
      // As the functions' bundles: CommonJS dependencies inside an ES module need a require.
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    // Inside the checkout, so the bundle's external imports resolve from node_modules.
    mkdirSync('.local', { recursive: true });
    const dir = mkdtempSync(join('.local', 'xray-mode-'));
    try {
      const file = join(process.cwd(), dir, 'tracer.mjs');
      writeFileSync(file, out.outputFiles[0]!.text);
      const run = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(file)}); console.log(JSON.stringify(Object.keys(process.namespaces ?? {})));`,
        ],
        { env: localEnv(), encoding: 'utf8' },
      );
      expect(run.status, run.stderr.slice(-600)).toBe(0);
      expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
