/**
 * The Oracle path without an Oracle server, as far as an honest check goes: every statement
 * the project ships for Oracle (the DDL in scripts/sql/oracle/, every query and DML the
 * legacy stores and the migrations send under the Oracle dialect) parses under sqlglot's
 * Oracle grammar (PyPI, in .local/venv-tools; `npm test` installs it). A parser proves the
 * syntax, not the plan or the privileges: README "Oracle" says what is left to a real server.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEGACY_CRM_STATEMENTS } from '#shared/crm/sql-service-history';
import { legacyHotDealStatements } from '#shared/hotdeals/sql-hotdeals';
import { ORACLE_PING } from '#shared/platform/sql/oracle';
import { LEGACY_PURCHASE_STATEMENTS } from '#shared/purchases/sql-purchases';
import { HANDOVER_STATEMENTS } from '#shared/cutover/handover';
import { CHANGE_APPLY_STATEMENTS } from '#shared/replication/apply';
import { CONSISTENCY_STATEMENTS } from '#shared/replication/consistency';
import { SYNC_BACK_STATEMENTS } from '#shared/replication/sync-back';
import { IMPORT_ORDERS_STATEMENTS } from '#shared/replication/import-orders';
import { CATALOG_MIGRATION_STATEMENTS } from '../../scripts/lib/migrate/catalog';
import { CRM_MIGRATION_STATEMENTS } from '../../scripts/lib/migrate/crm';
import { PURCHASE_MIGRATION_STATEMENTS } from '../../scripts/lib/migrate/purchases';

const ROOT = join(import.meta.dirname, '../..');
const PYTHON = join(ROOT, '.local/venv-tools/bin/python');
const CHECKER = join(ROOT, 'scripts/lib/sql/oracle_grammar.py');

interface Statement {
  name: string;
  sql: string;
  bridge?: boolean;
}
interface Verdict {
  name: string;
  ok: boolean;
  error?: string;
  rewrites: string[];
}

function parseOracle(statements: Statement[]): Verdict[] {
  const out = spawnSync(PYTHON, [CHECKER], { input: JSON.stringify(statements), encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`the Oracle grammar check failed to run: ${out.stderr}`);
  return JSON.parse(out.stdout) as Verdict[];
}

/** A .sql file's statements: `--` comments dropped, split at a `;` that ends a line. */
function ddlStatements(file: string): Statement[] {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/--.*$/, ''))
    .join('\n');
  return text
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((sql, i) => ({ name: `${relative(ROOT, file)} #${i + 1}: ${sql.split('\n')[0]}`, sql }));
}

const named = (group: string, statements: Record<string, string>): Statement[] =>
  Object.entries(statements).map(([name, sql]) => ({ name: `${group}.${name}`, sql }));

const ORACLE_DDL = readdirSync(join(ROOT, 'scripts/sql/oracle'))
  .filter((f) => f.endsWith('.sql'))
  .flatMap((f) => ddlStatements(join(ROOT, 'scripts/sql/oracle', f)));

const RUNTIME: Statement[] = [
  ...named('hotdeals', legacyHotDealStatements('oracle')),
  ...named('purchases', LEGACY_PURCHASE_STATEMENTS),
  ...named('crm', LEGACY_CRM_STATEMENTS),
  ...named('migrate.catalog', CATALOG_MIGRATION_STATEMENTS),
  ...named('migrate.crm', CRM_MIGRATION_STATEMENTS),
  ...named('migrate.purchases', PURCHASE_MIGRATION_STATEMENTS),
  { name: 'health.ping', sql: ORACLE_PING },
  // Live migration: change capture's apply (AWS: fed by DMS from Oracle), the consistency
  // check, sync-back into the legacy tables, the hot-deal handover under the row lock.
  ...named('replication.apply', CHANGE_APPLY_STATEMENTS),
  ...named('replication.consistency', CONSISTENCY_STATEMENTS),
  ...named('replication.sync-back', SYNC_BACK_STATEMENTS),
  ...named('cutover.handover', HANDOVER_STATEMENTS),
  ...named('replication.import-orders', IMPORT_ORDERS_STATEMENTS),
];

describe('Oracle SQL under an Oracle grammar (sqlglot)', () => {
  it('parses every statement of the Oracle DDL, the CSHARCH materialized view among them', () => {
    expect(ORACLE_DDL.length).toBeGreaterThanOrEqual(15);
    expect(ORACLE_DDL.some((s) => /CREATE MATERIALIZED VIEW csharch/i.test(s.sql))).toBe(true);
    expect(parseOracle(ORACLE_DDL).filter((v) => !v.ok)).toEqual([]);
  });

  it('parses every query and DML the legacy stores and migrations send under the Oracle dialect', () => {
    expect(parseOracle(RUNTIME).filter((v) => !v.ok)).toEqual([]);
  });

  it('can fail: a broken statement, and syntax the grammar does not model, are refused', () => {
    const [broken, opaque] = parseOracle([
      { name: 'broken', sql: 'SELECT FROM WHERE' },
      { name: 'opaque', sql: 'CREATE MATERIALIZED VIEW x BUILD IMMEDIATE AS SELECT 1 AS one FROM dual' },
    ]);
    expect(broken!.ok).toBe(false);
    expect(opaque).toMatchObject({ ok: false, error: expect.stringContaining('not modelled') });
  });

  it('still needs its one bridge: sqlglot refuses FETCH FIRST :bind (Oracle 12c+ takes it); remove the bridge when this fails', () => {
    const page = LEGACY_PURCHASE_STATEMENTS.PAGE_SQL;
    const [bare, bridged] = parseOracle([
      { name: 'bare', sql: page, bridge: false },
      { name: 'bridged', sql: page },
    ]);
    expect(bare!.ok).toBe(false);
    expect(bridged).toMatchObject({ ok: true, rewrites: [expect.stringContaining('FETCH FIRST')] });
  });

  it('misses no statement: every SQL text in the legacy stores and migrations is in a checked statement', () => {
    const files = [
      ...[
        'shared/hotdeals',
        'shared/purchases',
        'shared/crm',
        'shared/health',
        'shared/platform/sql',
        'shared/replication',
        'shared/cutover',
      ]
        .flatMap((d) => readdirSync(join(ROOT, d)).map((f) => join(d, f)))
        .filter((f) => f.endsWith('.ts') && !f.endsWith('postgres.ts')), // PostgreSQL's own ping
      ...readdirSync(join(ROOT, 'scripts/lib/migrate')).map((f) => join('scripts/lib/migrate', f)),
    ];
    const checked = RUNTIME.map((s) => s.sql).join('\n');
    const literal = /(['"])((?:SELECT|INSERT|UPDATE|DELETE|MERGE|WITH)\s[^'"]*)\1/g;
    const unchecked: string[] = [];
    for (const file of files)
      for (const [, , sql] of readFileSync(join(ROOT, file), 'utf8').matchAll(literal))
        if (!checked.includes(sql!)) unchecked.push(`${file}: ${sql}`);
    expect(unchecked).toEqual([]);
  });
});
