/**
 * `serverless package` for one stage, as a deploy would run it but with no AWS login and
 * no network: credentials are scrubbed from the environment and every proxy points at a
 * closed port, so a step that needed AWS would fail here instead of passing quietly.
 */
import { spawn } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface CfnTemplate {
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [k: string]: unknown }>;
  Outputs?: Record<string, unknown>;
}

export interface PackagedStage {
  stage: string;
  dir: string;
  templatePath: string;
  template: CfnTemplate;
  /** Function name -> its zip. */
  zips: Record<string, string>;
}

const SCRUBBED =
  /^(AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE)|SERVERLESS_ACCESS_KEY)$/;

export async function packageStage(
  stage: string,
  outDir = join(ROOT, '.local/package', stage),
): Promise<PackagedStage> {
  await rm(outDir, { recursive: true, force: true });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.test(k)) env[k] = v;
  Object.assign(env, {
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // Each stage builds in its own folder (beside npm run dev's and the tests').
    OSHOP_ESBUILD_DIR: `.esbuild-package-${stage}`,
  });
  const bin = join(ROOT, 'node_modules/.bin/serverless');
  await new Promise<string>((resolve, reject) => {
    const child = spawn(bin, ['package', '--stage', stage, '--package', outDir], { cwd: ROOT, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`serverless package --stage ${stage} failed (${code}):\n${out}`)),
    );
  });
  const templatePath = join(outDir, 'cloudformation-template-update-stack.json');
  const template = JSON.parse(await readFile(templatePath, 'utf8')) as CfnTemplate;
  const zips: Record<string, string> = {};
  for (const file of await readdir(outDir))
    if (file.endsWith('.zip')) zips[file.slice(0, -4)] = join(outDir, file);
  return { stage, dir: outDir, templatePath, template, zips };
}
