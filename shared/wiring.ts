/**
 * The composition root: every per-container instance (clients, stores, services) is built
 * here and nowhere else, on first use, and then reused by every invocation of the
 * container. Domain code never builds what it uses: it is handed it from here.
 *
 * Each export is a getter. The DynamoDB clients are built at once; a client that needs a
 * secret (Redis AUTH, the DocumentDB and RDBMS logins) is built, secret read, on the first
 * call, so importing anything reaches no network. Every getter is marked pure and the
 * package declares no side effects: a function's bundle keeps only the getters its handler
 * uses (and their clients' libraries), so the todo functions carry no Redis or Mongo code.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { fileModeStore, ssmModeStore } from './cutover/mode-stores';
import { cachedModes, type ModeStore } from './cutover/modes';
import {
  routedHotDealOrders,
  routedHotDealRemaining,
  routedHotDealSetting,
  routedPurchaseList,
  routedPurchaseLookup,
  routedServiceHistory,
} from './cutover/routed';
import { shadowTally } from './cutover/shadow';
import { dynamoEventReader, dynamoEventStore } from './events/event-store';
import { dynamoCatalog, dynamoCustomerDirectory } from './catalog/catalog';
import { mongoServiceHistory, type ArchivedCallDocument } from './crm/mongo-archive';
import { legacyServiceHistory } from './crm/sql-service-history';
import { storeProbes } from './health/probes';
import type { HotDeals, StockSetting } from './hotdeals/hotdeal';
import {
  eventSourcedHotDeals,
  setHotDealStock,
  unitsLeft,
  type HotDealPorts,
  type StockSettingPorts,
} from './hotdeals/hotdeals';
import { placeHotDealOrder, type OrderSagaPorts } from './hotdeals/order-saga';
import { simulatedPayment } from './hotdeals/payment';
import type { OrderEventData } from './hotdeals/order-events';
import { dynamoProductsOnSale, dynamoPurchaseIdBlocks } from './hotdeals/purchase-ids';
import { legacyHotDealStock, legacyHotDeals as sqlHotDeals } from './hotdeals/sql-hotdeals';
import { redisStock } from './hotdeals/stock/redis-stock';
import { createDynamoClients, dynamoHttpTarget } from './platform/clients/dynamodb';
import { httpGetItem, httpQuery, httpWrites } from './platform/clients/dynamodb-http';
import { createMongoClient } from './platform/clients/mongo';
import { pacedReads } from './platform/clients/paced-reads';
import { connectRedis } from './platform/clients/redis';
import { config } from './platform/config';
import { once } from './platform/memo';
import { logger } from './platform/logger';
import { credentials } from './platform/secrets';
import { createSqlDatabase } from './platform/sql/database';
import type { ReadModelTargets } from './projections/project-all';
import { PROJECTIONS } from './projections/read-models';
import { readServingTable } from './projections/state';
import type { AuditPorts } from './audit/audit';
import type { ChangeTargets } from './replication/apply';
import type { ProjectionStateStore } from './projections/state';
import { dynamoPurchaseList, dynamoPurchaseLookup } from './purchases/dynamo-purchases';
import { legacyPurchaseHistory } from './purchases/sql-purchases';
import type { TodoStore } from './todos/todos';

/** What to close when a process (a CLI, a test file) is done; Lambda never closes. */
const closers: (() => Promise<unknown>)[] = [];

// ---------------------------------------------------------------- clients

export const dynamo = /* @__PURE__ */ once(() => createDynamoClients(config));

export const redis = /* @__PURE__ */ once(async () => {
  const client = await connectRedis(config.redis, config.region, (await credentials()).redis);
  closers.push(async () => client.disconnect());
  return client;
});

export const mongo = /* @__PURE__ */ once(async () => {
  const client = createMongoClient(config.mongo, (await credentials()).mongo);
  closers.push(() => client.close());
  return client;
});

/** The legacy RDBMS (PostgreSQL locally, Oracle in production): one pool per container. */
export const legacyDb = /* @__PURE__ */ once(async () => {
  const db = await createSqlDatabase({ ...config.legacy, ...(await credentials()).legacy });
  closers.push(() => db.close());
  return db;
});

// ---------------------------------------------------------------- todos, purchases, CRM

export const todoStore = /* @__PURE__ */ once((): TodoStore => ({
  documents: dynamo().documents,
  todoTable: config.dynamodb.todoTable,
  counterTable: config.dynamodb.counterTable,
}));

export const projectionState = /* @__PURE__ */ once((): ProjectionStateStore => ({
  documents: dynamo().documents,
  table: config.dynamodb.projectionStateTable,
}));

/** Purchase history on DynamoDB (migrated and hot-deal purchases, one table): the list, one purchase. */
export const purchaseList = /* @__PURE__ */ once(() =>
  dynamoPurchaseList(httpQuery(dynamoHttpTarget(config)), config.dynamodb.purchaseTable),
);
export const purchaseLookup = /* @__PURE__ */ once(() =>
  dynamoPurchaseLookup(httpGetItem(dynamoHttpTarget(config)), config.dynamodb.purchaseTable),
);

export const legacyPurchases = /* @__PURE__ */ once(async () => legacyPurchaseHistory(await legacyDb()));

/** The CRM archive collection (CSHARCH) on DocumentDB / the local MongoDB API server. */
export const archiveCollection = /* @__PURE__ */ once(async () =>
  (await mongo()).db(config.mongo.db).collection<ArchivedCallDocument>(config.crm.collection),
);

export const serviceHistoryReports = /* @__PURE__ */ once(async () =>
  mongoServiceHistory((await mongo()).db(config.mongo.db), config.crm.collection),
);

export const legacyServiceHistoryReports = /* @__PURE__ */ once(async () =>
  legacyServiceHistory(await legacyDb(), config.crm.archiveCutoff),
);

// ---------------------------------------------------------------- hot deals

/** The order log's conditional writes, SDK-free (an order's only DynamoDB requests). */
export const dynamoWrites = /* @__PURE__ */ once(() => httpWrites(dynamoHttpTarget(config)));

/** The order log, typed by its events (hotdeals/order-events.ts). */
export const orderEvents = /* @__PURE__ */ once(() =>
  dynamoEventStore<OrderEventData>(dynamo().documents, dynamoWrites(), config.dynamodb.eventTable),
);

/** The order log, read only (where an order stands). */
export const orderLog = /* @__PURE__ */ once(() =>
  dynamoEventReader<OrderEventData>(dynamo().documents, config.dynamodb.eventTable),
);

/** The simulated payment provider; its ledger (idempotent by order id) durable in the order log. */
export const payment = /* @__PURE__ */ once(async () => simulatedPayment(orderEvents(), config.payment));

export const hotDealStock = /* @__PURE__ */ once(async () =>
  redisStock(await redis(), { namespace: config.dynamodb.eventTable, shards: config.hotDealShards }),
);

/** What an admin stock setting needs (its function reaches nothing else). */
export const stockSettingPorts = /* @__PURE__ */ once(async (): Promise<StockSettingPorts> => ({
  stock: await hotDealStock(),
  events: orderEvents(),
  purchaseIds: dynamoPurchaseIdBlocks(dynamo().documents, config.dynamodb.counterTable),
}));

/** What an order runs against: the stock race, the log, reference data, the payment (no purchase ids taken). */
export const orderPorts = /* @__PURE__ */ once(async (): Promise<OrderSagaPorts> => ({
  stock: await hotDealStock(),
  events: orderEvents(),
  catalog: dynamoCatalog(dynamo().documents, config.dynamodb.catalogTable),
  payment: await payment(),
}));

/** What the new hot-deal path runs against (tests, seeding). */
export const hotDealPorts = /* @__PURE__ */ once(async (): Promise<HotDealPorts> => ({
  ...(await orderPorts()),
  ...(await stockSettingPorts()),
}));

/** The order function's one capability: placing an order (its bundle carries no stock setting). */
export const hotDealOrders = /* @__PURE__ */ once(async (): Promise<Pick<HotDeals, 'placeOrder'>> => {
  const ports = await orderPorts();
  return { placeOrder: (order, idempotencyKey) => placeHotDealOrder(ports, order, idempotencyKey) };
});

/** What the sweeper (and reconcile) run against: no catalog, no purchase ids taken. */
export const sweeperPorts = /* @__PURE__ */ once(async () => ({
  stock: await hotDealStock(),
  events: orderEvents(),
  payment: await payment(),
  products: dynamoProductsOnSale(dynamo().documents, config.dynamodb.counterTable),
}));

/** The new hot-deal path: Redis for the race, the event log for the record. */
export const hotDeals = /* @__PURE__ */ once(async () => eventSourcedHotDeals(await hotDealPorts()));

/** The legacy hot-deal path (row lock on the RDBMS). */
/** The legacy stock setting alone (its function reaches the RDBMS and nothing else). */
export const legacyStock = /* @__PURE__ */ once(async () => legacyHotDealStock(await legacyDb()));

export const legacyHotDeals = /* @__PURE__ */ once(async () =>
  sqlHotDeals(await legacyDb(), await payment()),
);

// ---------------------------------------------------------------- live migration (cut-over per service)

/** Where each service's mode is kept: the SSM parameter in AWS, .local/modes.json locally. */
export const modeStore = /* @__PURE__ */ once((): ModeStore => {
  const { store, defaults } = config.cutover;
  if ('ssmParameter' in store)
    return ssmModeStore(new SSMClient({ region: config.region }), store.ssmParameter, defaults);
  if ('file' in store) return fileModeStore(store.file, defaults);
  const fixed = async (): Promise<never> => {
    throw new Error('no SERVICE_MODES_PARAMETER: the modes are fixed for this stage');
  };
  return { read: async () => defaults, write: fixed, set: fixed };
});

export const serviceModes = /* @__PURE__ */ once(() =>
  cachedModes(modeStore(), config.cutover.ttlMs, config.cutover.defaults, (err) =>
    logger.warn('service modes unreadable: keeping the last known', { error: (err as Error).message }),
  ),
);

/** Shadow comparisons of this container, counted and logged. */
export const shadow = /* @__PURE__ */ once(() => shadowTally(logger));

/** GET /purchases/{customerId}/{purchaseId} as the purchases mode says. */
export const servedPurchaseLookup = /* @__PURE__ */ once(() =>
  routedPurchaseLookup({
    modes: serviceModes(),
    legacy: legacyPurchases,
    next: purchaseLookup,
    observe: shadow().observe,
  }),
);

/** GET /purchases/{customerId} as the purchases mode says. */
export const servedPurchaseList = /* @__PURE__ */ once(() =>
  routedPurchaseList({
    modes: serviceModes(),
    legacy: legacyPurchases,
    next: purchaseList,
    observe: shadow().observe,
  }),
);

/** GET /crm/customers/{custId}/service-history as the crm mode says. */
export const servedServiceHistory = /* @__PURE__ */ once(() =>
  routedServiceHistory({
    modes: serviceModes(),
    legacy: legacyServiceHistoryReports,
    next: serviceHistoryReports,
    observe: shadow().observe,
  }),
);

/** POST /hotdeals/{productId}/orders on the side the hotdeals mode says sells. */
export const servedHotDealOrders = /* @__PURE__ */ once(() =>
  routedHotDealOrders({ modes: serviceModes(), legacy: legacyHotDeals, next: hotDealOrders }),
);

/** The new side's stock: units left (Redis), a setting (the log, then Redis). */
export const newHotDealStock = /* @__PURE__ */ once(
  async (): Promise<Pick<HotDeals, 'remaining' | 'setStock'>> => {
    const stock = await hotDealStock();
    return {
      remaining: (productId) => unitsLeft(stock, productId),
      setStock: async (productId, setting) => setHotDealStock(await stockSettingPorts(), productId, setting),
    };
  },
);

/** GET /hotdeals/{productId} from the side that sells (Redis alone on the new side). */
export const servedHotDealRemaining = /* @__PURE__ */ once(() =>
  routedHotDealRemaining({
    modes: serviceModes(),
    legacy: legacyStock,
    next: async () => {
      const stock = await hotDealStock();
      return { remaining: (productId: number) => unitsLeft(stock, productId) };
    },
  }),
);

/** PUT /hotdeals/{productId} on the side that sells. */
export const servedHotDealSetting = /* @__PURE__ */ once(() =>
  routedHotDealSetting({
    modes: serviceModes(),
    legacy: legacyStock,
    next: async () => {
      const ports = await stockSettingPorts();
      return {
        setStock: (productId: number, setting: StockSetting) => setHotDealStock(ports, productId, setting),
      };
    },
  }),
);

/** Where change capture writes (locally npm run migrate -- --follow, in AWS the DMS stream's function). */
export const changeApplyTargets = /* @__PURE__ */ once(async (): Promise<ChangeTargets> => ({
  legacy: await legacyDb(),
  documents: dynamo().documents,
  purchaseTable: config.dynamodb.purchaseTable,
  catalogTable: config.dynamodb.catalogTable,
  archive: await archiveCollection(),
  cutoff: config.crm.archiveCutoff,
}));

// ---------------------------------------------------------------- read side, operations

/** Where the projector writes: every read model's active table, and its positions. */
export const readModelTargets = /* @__PURE__ */ once((): ReadModelTargets => ({
  state: projectionState(),
  baseTables: config.readModels,
  customers: customerDirectory(),
}));

/** The catalog's customers, as the read side looks them up (a purchase row's buyer). */
export const customerDirectory = /* @__PURE__ */ once(() =>
  dynamoCustomerDirectory(dynamo().documents, config.dynamodb.catalogTable),
);

/** What the consistency audit reads: the log, the read models, Redis, the legacy database, the archive. */
export const auditPorts = /* @__PURE__ */ once(async (): Promise<AuditPorts> => {
  // Background work: the audit's DynamoDB reads are paced (../platform/clients/paced-reads.ts).
  const documents = pacedReads(dynamo().documents, config.audit.readItemsPerSecond);
  return {
    documents,
    eventTable: config.dynamodb.eventTable,
    events: dynamoEventReader<OrderEventData>(documents, config.dynamodb.eventTable),
    readModelTable: (name) => readServingTable(projectionState(), PROJECTIONS[name], config.readModels[name]),
    stock: await hotDealStock(),
    productsOnSale: dynamoProductsOnSale(dynamo().documents, config.dynamodb.counterTable),
    legacy: await changeApplyTargets(),
    customers: customerDirectory(),
  };
});

/** One cheap request per store (GET /health). */
export const healthProbes = /* @__PURE__ */ once(() =>
  storeProbes({
    dynamodb: dynamo().dynamodb,
    probeTable: config.dynamodb.todoTable,
    redis,
    mongo,
    legacy: legacyDb,
  }),
);

/** Closes every client built so far (a CLI or a test file at its end). */
export async function closeAll(): Promise<void> {
  await Promise.allSettled(closers.splice(0).map((close) => close()));
}
