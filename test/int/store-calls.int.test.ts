import { TEST_PURCHASE_TABLE } from '../support/env';
import { afterAll, describe, expect, it } from 'vitest';
import { HOTDEAL_PURCHASE_ID_BASE } from '#shared/catalog/catalog';
import { legacyServiceHistory } from '#shared/crm/sql-service-history';
import { MongoClient } from 'mongodb';
import { archivedCallsOf, mongoServiceHistory, readArchivedCalls } from '#shared/crm/mongo-archive';
import { mongoClientOptions } from '#shared/platform/clients/mongo';
import { credentials } from '#shared/platform/secrets';
import { legacyHotDeals as sqlHotDeals } from '#shared/hotdeals/sql-hotdeals';
import { dynamoHttpTarget } from '#shared/platform/clients/dynamodb';
import { config } from '#shared/platform/config';
import { countingStoreCalls } from '#shared/platform/store-calls';
import { dynamoPurchaseHistory } from '#shared/purchases/dynamo-purchases';
import { legacyPurchaseHistory } from '#shared/purchases/sql-purchases';
import * as wiring from '#shared/wiring';
import { freshProduct, hotDealTestKit } from '../support/order-events';

/**
 * Store round trips per request, counted by the real clients against the real local stack
 * (shared/platform/store-calls): the figure the bench reports per scenario and the
 * dashboard per route. Each count here is what the path sends today; a change that sends
 * more fails.
 */
const legacyDb = await wiring.legacyDb();
const { deals, paid } = await hotDealTestKit();
afterAll(wiring.closeAll);

const only = (calls: Record<string, number>) =>
  Object.fromEntries(Object.entries(calls).filter(([, n]) => n > 0));

describe('store round trips per request (real clients, real stack)', () => {
  it('a purchase lookup: one DynamoDB request on the new path, one SQL statement on the legacy path', async () => {
    const fresh = dynamoPurchaseHistory(dynamoHttpTarget(config), TEST_PURCHASE_TABLE);
    const legacy = legacyPurchaseHistory(legacyDb);
    const listed = await countingStoreCalls(() => fresh.listPurchases(3, { limit: 100 }));
    // A migrated purchase (the other tests' hot-deal orders are in the new table only).
    const first = listed.result.purchases.find((p) => p.purchaseId < HOTDEAL_PURCHASE_ID_BASE);
    expect(only(listed.calls)).toEqual({ dynamodb: 1 });
    expect(only((await countingStoreCalls(() => fresh.findPurchase(3, first!.purchaseId))).calls)).toEqual({
      dynamodb: 1,
    });
    expect(only((await countingStoreCalls(() => legacy.listPurchases(3, { limit: 10 }))).calls)).toEqual({
      legacy: 1,
    });
    expect(only((await countingStoreCalls(() => legacy.findPurchase(3, first!.purchaseId))).calls)).toEqual({
      legacy: 1,
    });
  });

  it('a CRM report: one MongoDB command on the new path, one SQL statement on the legacy path', async () => {
    const fresh = mongoServiceHistory((await wiring.mongo()).db(config.mongo.db), config.crm.collection);
    const legacy = legacyServiceHistory(legacyDb, config.crm.archiveCutoff);
    expect(only((await countingStoreCalls(() => fresh.findServiceHistory(1))).calls)).toEqual({ mongo: 1 });
    expect(only((await countingStoreCalls(() => legacy.findServiceHistory(1))).calls)).toEqual({ legacy: 1 });
  });

  it("MongoDB round trips are counted where they are sent: the count equals the driver's own commands", async () => {
    // A client of its own with command monitoring (the served client has it off: it cost CPU).
    const monitored = new MongoClient(config.mongo.url, {
      ...mongoClientOptions(config.mongo, (await credentials()).mongo),
      monitorCommands: true,
    });
    const sent: string[] = [];
    monitored.on('commandStarted', (e) => sent.push(e.commandName));
    try {
      const db = monitored.db(config.mongo.db);
      await db.command({ ping: 1 }); // connected: the handshake is not a round trip of the report
      for (const batch of [undefined, 2]) {
        sent.length = 0;
        const { result, calls } = await countingStoreCalls(() =>
          readArchivedCalls(db, config.crm.collection, 1, batch),
        );
        // Under a batch of 2 the customer's calls are read again through a cursor; the same calls.
        expect(result.map((d) => d.CSH_ID)).toEqual(
          (await archivedCallsOf(await wiring.archiveCollection(), 1).toArray()).map((d) => d.CSH_ID),
        );
        if (batch === undefined) expect(sent).toEqual(['find']);
        expect(only(calls)).toEqual({ mongo: sent.length });
      }
    } finally {
      await monitored.close();
    }
  });

  it("a hot-deal sale: 3 DynamoDB requests (the claim, the setting's check, the outcome; the payment provider's record apart); sold out touches no DynamoDB", async () => {
    const productId = freshProduct();
    const d = deals();
    await d.setStock(productId, { quantity: 2 });
    await d.placeOrder({ productId: freshProduct(), customerId: 1 }).catch(() => undefined); // scripts loaded
    // The first order of a product in a container reads its catalog entry; later ones do not:
    // a sale is the claim, the check that its stock setting is still current, and the outcome
    // (the customer is the read side's to look up), and on Redis the reserve and the finish
    // (one script each).
    const first = await countingStoreCalls(() => d.placeOrder({ productId, customerId: 1 }));
    expect(first.result.status).toBe('confirmed');
    expect(only(first.calls)).toEqual({ redis: 2, dynamodb: 4, payment: 1 });
    const next = await countingStoreCalls(() => d.placeOrder({ productId, customerId: 2 }));
    expect(only(next.calls)).toEqual({ redis: 2, dynamodb: 3, payment: 1 });
    const soldOut = await countingStoreCalls(() =>
      d.placeOrder({ productId, customerId: 3 }).catch((e: unknown) => e),
    );
    expect(only(soldOut.calls)).toEqual({ redis: 1 });
  });

  it('a legacy order: its statements in one transaction (BEGIN to COMMIT), the payment record apart', async () => {
    const productId = freshProduct();
    const legacy = sqlHotDeals(legacyDb, paid);
    await legacy.setStock(productId, { quantity: 1 });
    const sold = await countingStoreCalls(() => legacy.placeOrder({ productId, customerId: 1 }));
    expect(sold.result.status).toBe('confirmed');
    expect(only(sold.calls)).toEqual({ legacy: 7, payment: 1 });
  });
});
