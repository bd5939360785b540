import '../support/env';
import { describe, expect, it } from 'vitest';
import { config } from '#shared/platform/config';
import { legacyServiceHistory } from '#shared/crm/sql-service-history';
import { archivedCallsOf, mongoServiceHistory } from '#shared/crm/mongo-archive';
import type { ServiceHistoryReports } from '#shared/crm/service-history';
import { NotFoundError } from '#shared/platform/errors';
import { CRM, MARKUP_DETAILS } from '../../scripts/lib/seed/hr';
import * as wiring from '#shared/wiring';

const legacyDb = await wiring.legacyDb();
const archiveCollection = await wiring.archiveCollection();

const mongo = mongoServiceHistory((await wiring.mongo()).db(config.mongo.db), config.crm.collection);
const legacy = legacyServiceHistory(legacyDb, config.crm.archiveCutoff);
const stores: [string, ServiceHistoryReports][] = [
  ['MongoDB (CSHARCH)', mongo],
  ['legacy SQL (JOIN)', legacy],
];

describe('the migrated archive', () => {
  it('holds exactly the 4,286 calls before 2019-01-01, oldest 2016-08-19, newest 2018-12-31', async () => {
    expect(await archiveCollection.countDocuments()).toBe(4286);
    const [oldest] = await archiveCollection.find().sort({ CALL_DATE: 1 }).limit(1).toArray();
    const [newest] = await archiveCollection.find().sort({ CALL_DATE: -1 }).limit(1).toArray();
    expect(oldest!.CALL_DATE).toBeInstanceOf(Date); // real dates, not strings
    expect(oldest!.CALL_DATE.toISOString().slice(0, 10)).toBe('2016-08-19');
    expect(newest!.CALL_DATE.toISOString()).toBe('2018-12-31T23:59:59.000Z');
  });

  it('is indexed on CUST_ID (with CALL_DATE, the report order)', async () => {
    const indexes = await archiveCollection.indexes();
    expect(indexes.map((i) => i.key)).toContainEqual({ CUST_ID: 1, CALL_DATE: 1 });
  });

  it("answers the report's query on the local server (FerretDB) pushed down to PostgreSQL, from an index", async () => {
    const plan = (await archivedCallsOf(archiveCollection, 1).explain()) as {
      filterPushdown?: boolean;
      queryPlanner?: unknown;
      serverInfo?: { ferretdbVersion?: string };
    };
    expect(plan.serverInfo?.ferretdbVersion).toBe('v1.24.2');
    expect(plan.filterPushdown).toBe(true); // the filter runs in PostgreSQL, not in FerretDB
    // ...and PostgreSQL serves it from the containment index provisioning adds (not a Seq Scan).
    const planText = JSON.stringify(plan.queryPlanner);
    expect(planText).toContain('Bitmap Index Scan');
    expect(planText).toContain('_cust_id_containment');
  });
});

describe.each(stores)('service history on %s', (_name, store) => {
  it('reports Mary Schaefer (customer 1) with every pre-2019 call, oldest first', async () => {
    const h = await store.findServiceHistory(1);
    expect(h.customer).toMatchObject({ custId: 1, name: 'Mary Schaefer' });
    const [{ n }] = (await legacyDb.query<{ n: number }>(
      'SELECT count(*) AS n FROM hr.customer_service_history WHERE cust_id = :c AND call_date < :cutoff',
      { c: 1, cutoff: config.crm.archiveCutoff },
    )) as [{ n: number }];
    expect(h.calls).toHaveLength(Number(n));
    const dates = h.calls.map((c) => c.callDate);
    expect(dates).toEqual([...dates].sort());
    expect(dates.every((d) => d < '2019-01-01')).toBe(true);
    expect(h.calls.every((c) => c.details.includes('\n'))).toBe(true);
  });

  it("keeps pasted markup verbatim in DETAILS (escaping is the page's job)", async () => {
    const h = await store.findServiceHistory(CRM.markupCustomer);
    expect(h.calls.map((c) => c.details)).toContain(MARKUP_DETAILS);
  });

  it('404s an unknown customer and a 2019 customer with no archived calls', async () => {
    await expect(store.findServiceHistory(999_999)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.findServiceHistory(CRM.archivedCustomers + 1)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('the MongoDB filter', () => {
  it('takes only a typed positive integer: an operator object never reaches the query', async () => {
    for (const bad of [{ $ne: null }, '1', 1.5, -1, 0, Number.NaN]) {
      await expect(mongo.findServiceHistory(bad as unknown as number)).rejects.toBeInstanceOf(TypeError);
    }
  });
});

describe('contract: legacy and new answers are identical', () => {
  it('for every fifth customer and the edges (cut-off, markup, 2019-only, unknown)', async () => {
    const sample = [1, 2, CRM.markupCustomer, CRM.archivedCustomers, CRM.archivedCustomers + 1, 999_999];
    for (let id = 5; id <= CRM.archivedCustomers; id += 5) sample.push(id);
    // The customer of the newest archived call (2018-12-31 23:59:59), right at the cut-off.
    const [edge] = await archiveCollection.find().sort({ CALL_DATE: -1 }).limit(1).toArray();
    sample.push(edge!.CUST_ID);
    let compared = 0;
    const answer = (store: ServiceHistoryReports, id: number) =>
      store
        .findServiceHistory(id)
        .catch((err: unknown) => (err instanceof NotFoundError ? 'not found' : Promise.reject(err)));
    for (const id of sample) {
      expect(await answer(legacy, id), `customer ${id}`).toEqual(await answer(mongo, id));
      compared++;
    }
    expect(compared).toBeGreaterThan(200);
  });
});
