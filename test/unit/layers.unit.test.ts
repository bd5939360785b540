import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The layer rules (.dependency-cruiser.cjs), the check `npm run lint` runs: green on the
 * house as it is, and red on a house that breaks each rule.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const depcruise = (cwd: string, paths: string[]) =>
  spawnSync(join(ROOT, 'node_modules/.bin/depcruise'), [...paths, '--config', CONFIG], {
    cwd,
    encoding: 'utf8',
  });

/** A small house whose imports break every rule once. */
const BROKEN: Record<string, string> = {
  'package.json': JSON.stringify({ type: 'module', imports: { '#shared/*': './shared/*.ts' } }),
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' } }),
  'shared/platform/config.ts':
    "import { todoStore } from '#shared/wiring';\nexport const config = todoStore;\n",
  'shared/wiring.ts': "import { add } from './todos/todos';\nexport const todoStore = add;\n",
  'shared/todos/todos.ts': "import { routes } from '../api/routes';\nexport const add = routes;\n",
  'shared/api/routes.ts': "import { twice } from '../todos/twice';\nexport const routes = twice;\n",
  'shared/todos/twice.ts': "import { once } from './once';\nexport const twice = once;\n",
  'shared/todos/once.ts': "import { twice } from './twice';\nexport const once = () => twice;\n",
  'shared/api/handlers.ts': "import { todoStore } from '../wiring';\nexport const respond = todoStore;\n",
  'scripts/seed.ts': 'export const seed = 1;\n',
  'test/seed.test.ts': "import { seed } from '../scripts/seed';\nexport const t = seed;\n",
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Each test spawns dependency-cruiser (a few seconds; more beside other test files).
describe('layer rules (dependency-cruiser)', { timeout: 30_000 }, () => {
  it('hold for the house as it is: no circle, no import up a layer, no CLI imported', () => {
    const r = depcruise(ROOT, ['functions', 'shared', 'scripts', 'test']);
    expect(r.stdout + r.stderr).toMatch(/no dependency violations found/);
    expect(r.status).toBe(0);
  });

  it('fail on each kind of break, naming the rule', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oshop-layers-'));
    dirs.push(dir);
    for (const [file, text] of Object.entries(BROKEN)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const r = depcruise(dir, ['shared', 'scripts', 'test']);
    expect(r.status).not.toBe(0);
    for (const rule of [
      'no-circular',
      'platform-imports-no-feature',
      'features-import-no-api-or-wiring',
      'api-imports-no-wiring',
      'no-one-imports-a-cli',
    ])
      expect(r.stdout, rule).toContain(`error ${rule}:`);
  });
});
