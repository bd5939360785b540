import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { UnauthenticatedError } from '#shared/platform/auth/identity';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '#shared/platform/errors';
import { RETRY_AFTER_SECONDS } from '#shared/platform/http/middleware';
import { httpHandler } from '#shared/platform/http/pipeline';
import { json } from '#shared/platform/http/responses';
import { idParam } from '#shared/platform/http/params';
import { apiEvent, lambdaContext } from '../support/events';

const echo = httpHandler(
  {
    guard: { allow: 'anyone' },
    params: z.object({ id: idParam }),
    body: z.strictObject({ title: z.string().min(1) }),
  },
  async ({ params, body }) => json(200, { id: params.id, title: body.title }),
);

const post = (
  body: string | null,
  headers: Record<string, string> = { 'Content-Type': 'application/json' },
) => echo(apiEvent({ httpMethod: 'POST', pathParameters: { id: '7' }, headers, body }), lambdaContext);

const bodyOf = (res: { body: string }) =>
  JSON.parse(res.body) as { error?: { code: string; message: string } };

describe('the HTTP middleware stack', () => {
  it('hands validated, typed input to the handler', async () => {
    const res = await post('{"title":"x"}');
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ id: 7, title: 'x' });
    expect(res.headers?.['content-type']).toMatch(/application\/json/);
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await post('{"title":');
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error?.code).toBe('INVALID_JSON');
  });

  it('answers a missing body with 400', async () => {
    const res = await post(null);
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).error?.code).toBe('VALIDATION_ERROR');
  });

  it('refuses bodies over 64 KiB with 413', async () => {
    const res = await post(JSON.stringify({ title: 'x'.repeat(70_000) }));
    expect(res.statusCode).toBe(413);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const res = await post('title=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
  });

  it('lists every validation problem with where it is', async () => {
    const res = await echo(
      apiEvent({ pathParameters: { id: '0x1' }, body: '{"title":"","extra":1}', headers: {} }),
      lambdaContext,
    );
    expect(res.statusCode).toBe(400);
    const body = JSON.parse(res.body) as { error: { details: { in: string }[] } };
    expect(body.error.details.map((d) => d.in)).toEqual(expect.arrayContaining(['path', 'body']));
  });

  it.each(['-1', '0', '1.5', 'abc', '01', '99999999999999999', ' 1'])(
    'rejects id %j with 400',
    async (id) => {
      const res = await echo(apiEvent({ pathParameters: { id }, body: '{"title":"x"}' }), lambdaContext);
      expect(res.statusCode).toBe(400);
    },
  );

  it('maps domain errors to their status and code', async () => {
    const notFound = httpHandler({ guard: { allow: 'anyone' } }, async () => {
      throw new NotFoundError('no such thing');
    });
    const conflict = httpHandler({ guard: { allow: 'anyone' } }, async () => {
      throw new ConflictError('SOLD_OUT', 'sold out');
    });
    const a = await notFound(apiEvent(), lambdaContext);
    const b = await conflict(apiEvent(), lambdaContext);
    expect([a.statusCode, bodyOf(a).error]).toEqual([404, { code: 'NOT_FOUND', message: 'no such thing' }]);
    expect([b.statusCode, bodyOf(b).error?.code]).toEqual([409, 'SOLD_OUT']);
  });

  it('hides an unexpected error behind a generic 500', async () => {
    const broken = httpHandler({ guard: { allow: 'anyone' } }, async () => {
      throw new Error('connection string postgres://secret@db leaked');
    });
    const res = await broken(apiEvent(), lambdaContext);
    expect(res.statusCode).toBe(500);
    expect(bodyOf(res).error).toEqual({ code: 'INTERNAL', message: 'Internal server error' });
    expect(res.body).not.toMatch(/secret|stack|at /);
  });
});

describe('what an error answer tells a client beside its body', () => {
  const failing = (err: Error) =>
    httpHandler({ guard: { allow: 'anyone' } }, async () => {
      throw err;
    });
  const call = (err: Error) => failing(err)(apiEvent({ httpMethod: 'GET' }), lambdaContext);

  it('a 503 says when to retry (Retry-After)', async () => {
    const res = await call(new ServiceUnavailableError('Redis is failing over'));
    expect([res.statusCode, res.headers?.['retry-after']]).toEqual([503, String(RETRY_AFTER_SECONDS)]);
  });

  it('a 401 carries the Bearer challenge, naming the token’s trouble when one was sent', async () => {
    const none = await call(new UnauthenticatedError());
    expect([none.statusCode, none.headers?.['www-authenticate']]).toEqual([401, 'Bearer realm="oshop-msa"']);
    const expired = await call(new UnauthenticatedError('The token has expired'));
    expect(expired.headers?.['www-authenticate']).toBe(
      'Bearer realm="oshop-msa", error="invalid_token", error_description="The token has expired"',
    );
  });

  it('other 4xx carry neither', async () => {
    const res = await call(new NotFoundError('Order not found'));
    expect(res.headers?.['retry-after']).toBeUndefined();
    expect(res.headers?.['www-authenticate']).toBeUndefined();
  });
});
