import { randomUUID } from 'node:crypto';
import { handleCommand, type StoredEvent } from '../events/event-store';
import type { HotDeals } from './hotdeal';
import { newEvent, stockStream } from './order-events';
import { placeHotDealOrder, type OrderSagaPorts } from './order-saga';

/** A new setting's epoch: its time, made later than the last one if clocks disagree. */
function nextEpoch(history: StoredEvent[]): string {
  const last = history.findLast((e) => e.type === 'StockSet')?.payload.epoch as string | undefined;
  const fresh = `${new Date().toISOString()}#${randomUUID().slice(0, 8)}`;
  return last && last >= fresh ? `${last}+` : fresh;
}

/** The new path: Redis for the race, the event log for the record (README: Orders as events). */
export function eventSourcedHotDeals(ports: OrderSagaPorts): HotDeals {
  const { stock, events } = ports;
  return {
    async remaining(productId) {
      return { productId, remaining: await stock.remaining(productId) };
    },

    async setStock(productId, quantity) {
      // The durable record first: reconcile recomputes from it after a Redis loss.
      let chosen = '';
      await handleCommand(events, stockStream(productId), (history) => {
        chosen = nextEpoch(history);
        return [newEvent('StockSet', { productId, quantity, epoch: chosen })];
      });
      await stock.write(productId, quantity, chosen);
      return { productId, remaining: quantity };
    },

    placeOrder: (order) => placeHotDealOrder(ports, order),
  };
}
