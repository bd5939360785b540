import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpenApi } from '#shared/api/openapi';

const OPENAPI_FILE = new URL('../../openapi.json', import.meta.url);

describe('OpenAPI document', () => {
  it('openapi.json in the repo is what the route table generates (run npm run openapi)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  it('documents the contract: error shape, admin key, integer ids', () => {
    const doc = JSON.parse(renderOpenApi());
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Error.required).toEqual(['error']);
    expect(doc.paths['/hotdeals/{productId}'].put.security).toEqual([{ adminKey: [] }]);
    const param = doc.paths['/todos/{id}'].get.parameters[0];
    expect(param).toMatchObject({
      name: 'id',
      in: 'path',
      required: true,
      schema: { pattern: '^(?:[1-9]\\d{0,8}|1\\d{9})$' },
    });
    const order = doc.paths['/hotdeals/{productId}/orders'].post;
    expect(Object.keys(order.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '413']));
    expect(order.parameters.map((p: { name: string }) => p.name)).toContain('idempotency-key');
  });
});
