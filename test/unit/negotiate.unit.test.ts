import { describe, expect, it } from 'vitest';
import { AppError } from '#shared/platform/errors';
import { negotiate } from '#shared/platform/http/negotiate';

const OFFERED = ['application/json', 'text/html'] as const;

describe('negotiate (Accept header)', () => {
  it.each([
    [undefined, 'application/json'],
    ['', 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['text/html', 'text/html'],
    ['TEXT/HTML', 'text/html'],
    // What Chromium sends for a page navigation.
    ['text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8', 'text/html'],
    ['text/html;q=0.5, application/json', 'application/json'],
    ['application/json;q=0.2, text/*', 'text/html'],
    ['text/html, application/json', 'application/json'],
    ['text/html;q=0, */*', 'application/json'],
    ['garbage', 'application/json'],
  ])('%j -> %s', (accept, expected) => {
    expect(negotiate(accept, [...OFFERED] as [string, ...string[]])).toBe(expected);
  });

  it.each(['image/png', 'application/xml, text/plain', 'application/json;q=0, text/html;q=0'])(
    '%j accepts neither: 406 NOT_ACCEPTABLE',
    (accept) => {
      const attempt = () => negotiate(accept, [...OFFERED] as [string, ...string[]]);
      expect(attempt).toThrow(AppError);
      try {
        attempt();
      } catch (err) {
        expect((err as AppError).statusCode).toBe(406);
        expect((err as AppError).code).toBe('NOT_ACCEPTABLE');
      }
    },
  );
});
