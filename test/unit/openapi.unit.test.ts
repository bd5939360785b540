import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpenApi } from '#shared/api/openapi';
import { routes, type RouteSpec } from '#shared/api/routes';

const OPENAPI_FILE = new URL('../../openapi.json', import.meta.url);

describe('OpenAPI document', () => {
  it('openapi.json in the repo is what the route table generates (run npm run openapi)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  it('shows each operation who may call it: bearer security, the guard, its 401 and 403', () => {
    const doc = JSON.parse(renderOpenApi());
    expect(doc.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    for (const [name, route] of Object.entries(routes as Record<string, RouteSpec>)) {
      const op = doc.paths[route.path][route.method];
      if (route.guard.allow === 'anyone') {
        expect(op.security, name).toEqual([]);
        expect(op.responses[401], name).toBeUndefined();
        continue;
      }
      expect(op.security, name).toEqual([{ bearer: [] }]);
      expect(op['x-oshop-guard'], name).toEqual(route.guard);
      expect(op.responses[401], name).toBeDefined();
      expect(op.responses[403] !== undefined, name).toBe(Array.isArray(route.guard.allow));
    }
    expect(doc.paths['/hotdeals/{productId}'].put['x-oshop-guard']).toEqual({ allow: ['admin'] });
    expect(doc.paths['/hotdeals/{productId}/orders'].post.requestBody.required).toBe(false);
  });

  it('documents the contract: error shape, integer ids', () => {
    const doc = JSON.parse(renderOpenApi());
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Error.required).toEqual(['error']);
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
