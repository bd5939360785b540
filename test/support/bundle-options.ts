import type { BuildOptions } from 'esbuild';

/**
 * esbuild as serverless.yml's custom.esbuild bundles a function (the AWS SDK left to the
 * runtime), in memory: the specs that read or load a bundle start from these.
 */
export const FUNCTION_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  write: false,
  logLevel: 'silent',
  external: ['@aws-sdk/*'],
} as const satisfies BuildOptions;
