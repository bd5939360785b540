import '../support/env';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devIssuerOf, signDevToken } from '#shared/platform/auth/dev-issuer';
import { config } from '#shared/platform/config';
import { E2E_BASE_URL } from '../support/env';

const everyRole = async () =>
  (await signDevToken(devIssuerOf(config.auth)!, { roles: ['customer', 'staff', 'admin'], customerId: 1 }))
    .token;

const ST = '.local/venv-tools/bin/st';
/** Bounded and seeded: the same cases every run (raise for a deeper local search). */
const MAX_EXAMPLES = Number(process.env.OSHOP_FUZZ_EXAMPLES ?? 25);
const SEED = 20261123;

describe('schemathesis against serverless offline', () => {
  it(
    'finds no 5xx, no undocumented status, and every answer matches the OpenAPI document',
    { timeout: 300_000 },
    async () => {
      expect(existsSync(ST), 'schemathesis is missing: bash scripts/stack.sh tools').toBe(true);
      // Authenticated as every role at once (customer 1, staff, admin), so each operation
      // is reached, through the document's own `bearer` scheme: schemathesis's ignored_auth
      // check (in "all") then also sends each guarded operation without the token and with
      // a wrong one, and fails unless the API refuses it.
      const configFile = join(mkdtempSync(join(tmpdir(), 'oshop-st-')), 'schemathesis.toml');
      writeFileSync(
        configFile,
        [
          '[auth.openapi.bearer]',
          'bearer = "${OSHOP_FUZZ_TOKEN}"',
          // A page cursor is opaque and signed by the API: one made up is rightly a 400.
          '[[operations]]',
          'include-operation-id = ["listTodos", "listPurchases", "listLegacyPurchases"]',
          'checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404"]',
          '',
        ].join('\n'),
      );
      const args = [
        '--config-file',
        configFile,
        'run',
        'openapi.json',
        '--url',
        E2E_BASE_URL,
        '--checks',
        'all',
        // An undeclared method (TRACE) reaches serverless offline's router (404 "route not
        // found"); deployed, API Gateway answers it (403). Neither reaches a handler.
        '--exclude-checks',
        'unsupported_method',
        '--max-examples',
        String(MAX_EXAMPLES),
        '--seed',
        String(SEED),
        '--generation-deterministic',
        // One worker: with two, CPython 3.11's parser raced in schemathesis's coverage phase
        // ("AST constructor recursion depth mismatch"), an interpreter error, not an API one.
        '--workers',
        '1',
        '--request-timeout',
        '10',
        '--no-color',
      ];
      const token = await everyRole();
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(ST, args, {
          env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', OSHOP_FUZZ_TOKEN: token },
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.on('close', (c) => resolve({ code: c, output: out }));
      });
      // The summary goes to the log, for the case count in reports.
      console.log(
        output
          .split('\n')
          .filter((l) => /passed|failed|cases|operations|Test cases|Seed/i.test(l))
          .join('\n'),
      );
      expect(code, output).toBe(0);
    },
  );
});
