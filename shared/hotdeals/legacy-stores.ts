import { dynamodb } from '../clients/dynamodb';
import { legacyDb } from '../clients/legacy-db';
import { config } from '../config';
import { idempotentOrders } from './idempotency';
import { legacyHotDeals as createLegacyHotDeals } from './legacy-hotdeals';
import { simulatedPayment } from './payment';

/** The legacy hot-deal path (row lock on the RDBMS), built once per container. */
export const legacyHotDeals = createLegacyHotDeals(legacyDb, simulatedPayment(config.payment));
export const placeLegacyHotDealOrder = idempotentOrders(legacyHotDeals.placeOrder, {
  dynamodb,
  table: config.dynamodb.idempotencyTable,
  scope: 'legacy-hotdeal',
});
