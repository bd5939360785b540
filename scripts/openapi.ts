/**
 * Writes openapi.json (OpenAPI 3.1) from the route table: `npm run openapi`.
 * A unit test fails when the committed file differs from what this would write.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildOpenApi } from '#shared/api/openapi';

export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.json', import.meta.url));
export const renderOpenApi = (): string => `${JSON.stringify(buildOpenApi(), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}
