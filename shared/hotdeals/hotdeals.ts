import { handleCommand } from '../events/event';
import type { HotDeals, HotDealStock, StockSetting } from './hotdeal';
import { newEvent, stockStream, type StockSet } from './order-events';
import { placeHotDealOrder, type OrderSagaPorts } from './order-saga';
import type { PurchaseIdBlocks } from './purchase-ids';
import { freshShards, type UnitStock } from './stock/port';

export { freshShards };

export interface HotDealPorts extends OrderSagaPorts {
  purchaseIds: PurchaseIdBlocks;
}

/** What an admin stock setting needs: the log, the stock, the purchase id blocks. */
export type StockSettingPorts = Pick<HotDealPorts, 'events' | 'stock' | 'purchaseIds'>;

/**
 * An admin stock setting: a block of purchase ids, then StockSet on record (the setting's
 * number is its version in the stock stream), then the setting written to Redis.
 */
export async function setHotDealStock(
  ports: StockSettingPorts,
  productId: number,
  { quantity, perCustomerLimit }: StockSetting,
): Promise<HotDealStock> {
  const { stock, events } = ports;
  const purchaseIdBase = await ports.purchaseIds.allocate(productId, quantity);
  let set: StockSet | undefined;
  await handleCommand(events, stockStream(productId), (history) => {
    set = {
      productId,
      setting: history.length + 1,
      quantity,
      perCustomerLimit: perCustomerLimit ?? null,
      shards: stock.shards,
      purchaseIdBase,
    };
    return [newEvent('StockSet', set)];
  });
  if (set) await stock.write(productId, freshShards(set));
  return { productId, remaining: quantity };
}

/** Units left (GET /hotdeals/{productId}): Redis alone, so the function that answers it reaches nothing else. */
export const unitsLeft = async (stock: UnitStock, productId: number) => ({
  productId,
  remaining: await stock.remaining(productId),
});

/** The new path: Redis for the race, the event log for the record (README: Hot deals). */
export function eventSourcedHotDeals(ports: HotDealPorts): HotDeals {
  const { stock } = ports;
  return {
    remaining: (productId) => unitsLeft(stock, productId),

    setStock: (productId, setting) => setHotDealStock(ports, productId, setting),

    placeOrder: (order, idempotencyKey) => placeHotDealOrder(ports, order, idempotencyKey),
  };
}
