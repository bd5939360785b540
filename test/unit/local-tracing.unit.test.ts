import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { FUNCTION_BUNDLE } from '../support/bundle-options';

/**
 * Locally the X-Ray SDK is not loaded at all (shared/platform/tracer.ts): in a Lambda-like
 * process (LAMBDA_TASK_ROOT, which serverless offline sets) it hooks the life of every
 * promise as it loads, whatever its mode, for traces nothing sends. An earlier switch to its
 * manual mode looked right in process and did nothing in the bundles. So: bundled as the
 * functions are (serverless.yml custom.esbuild) and loaded as serverless offline loads
 * them, the SDK made no namespace.
 */
const localEnv = () => {
  const { AWS_XRAY_MANUAL_MODE: _notTheAnswer, ...env } = process.env;
  return { ...env, STAGE: 'local', LAMBDA_TASK_ROOT: process.cwd() };
};

describe("the X-Ray SDK in the functions' bundle, locally", () => {
  it('is never loaded: no cls-hooked namespace is made, even under LAMBDA_TASK_ROOT', async () => {
    const out = await build({
      entryPoints: ['shared/platform/tracer.ts'],
      ...FUNCTION_BUNDLE,
      minify: true,
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
