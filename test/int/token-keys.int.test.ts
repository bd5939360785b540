import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '#shared/platform/auth/identity';
import { tokenVerifier } from '#shared/platform/auth/verify';
import { ServiceUnavailableError } from '#shared/platform/errors';

/**
 * The issuer's key set served over HTTP on loopback, as Cognito serves its JWKS: when that
 * endpoint fails (a 5xx, a 404 page), callers are not signed out (401): it is our outage (503).
 */
const { publicKey, privateKey } = await generateKeyPair('RS256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
let answer: { status: number; body: string } = { status: 200, body: JSON.stringify({ keys: [jwk] }) };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(answer.status).end(answer.body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise((r) => server.close(r)));

const token = () =>
  new SignJWT({ token_use: 'id', 'cognito:groups': ['staff'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer('https://issuer.test')
    .setAudience('app')
    .setSubject('staff-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
const verifier = () => tokenVerifier({ issuer: 'https://issuer.test', audience: 'app', jwks: { url } });

describe('token keys fetched from the issuer', () => {
  it('verifies a token against the served key set', async () => {
    expect(await verifier()(`Bearer ${await token()}`)).toMatchObject({
      subject: 'staff-1',
      roles: ['staff'],
    });
  });

  it.each([
    [500, 'Internal Server Error'],
    [503, 'Service Unavailable'],
    [404, '<html>Not Found</html>'],
    [200, '<html>a captive portal</html>'],
  ])('answers 503, not 401, when the key set endpoint answers %i %s', async (status, body) => {
    answer = { status, body };
    await expect(verifier()(`Bearer ${await token()}`)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('still answers 401 for a token the served keys do not verify', async () => {
    answer = { status: 200, body: JSON.stringify({ keys: [jwk] }) };
    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT({ token_use: 'id' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://issuer.test')
      .setAudience('app')
      .setExpirationTime('5m')
      .sign(other.privateKey);
    await expect(verifier()(`Bearer ${forged}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});

describe('verified tokens remembered per container', () => {
  const settings = { issuer: 'https://issuer.test', audience: 'app' };

  it('a remembered token stops working when it expires (no clock skew beyond jose own)', async () => {
    answer = { status: 200, body: JSON.stringify({ keys: [jwk] }) };
    let clock = Date.now();
    const verify = tokenVerifier({ ...settings, jwks: { url } }, { now: () => clock });
    const t = await token(); // expires in 5 minutes
    await expect(verify(`Bearer ${t}`)).resolves.toMatchObject({ subject: 'staff-1' });
    clock += 60_000;
    await expect(verify(`Bearer ${t}`)).resolves.toMatchObject({ subject: 'staff-1' });
    clock += 5 * 60_000; // past exp + jose's 60 s tolerance
    await expect(verify(`Bearer ${t}`)).rejects.toThrow('The token has expired');
  });

  it('a new key file forgets every remembered token: one signed by the old key no longer passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oshop-keys-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [jwk] }));
    const verify = tokenVerifier({ ...settings, jwks: { file } });
    const t = await token();
    await expect(verify(`Bearer ${t}`)).resolves.toMatchObject({ subject: 'staff-1' });
    const other = await generateKeyPair('RS256');
    writeFileSync(
      file,
      JSON.stringify({ keys: [{ ...(await exportJWK(other.publicKey)), kid: 'k1', alg: 'RS256' }] }),
    );
    utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a distinct mtime, however fast the writes
    await expect(verify(`Bearer ${t}`)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
