/**
 * Writes openapi.json (OpenAPI 3.1) from the route table: `npm run openapi`.
 * A unit test fails when the committed file differs from what this would write.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderOpenApi } from '#shared/api/openapi';
import { runToExit } from './lib/cli';

const file = fileURLToPath(new URL('../openapi.json', import.meta.url));
runToExit(
  'openapi',
  async () => {
    await writeFile(file, renderOpenApi());
    console.log(`wrote ${file}`);
    return 0;
  },
  async () => undefined,
);
