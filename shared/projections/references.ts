import type { CustomerDirectory } from '../catalog/catalog';
import type { StoredEvent } from '../events/event';

/**
 * The buyer's name and address on a hot-deal purchase row. The order path reads no
 * customer record (its critical path is the claim and the outcome, nothing else), so a
 * confirmed order carries `customer: null` and the read side fills it in from the catalog
 * as it writes the row: the customer as they are then, which is what the legacy lookup's
 * JOIN shows too (and what change capture keeps current afterwards). Events written before
 * this change carry their own snapshot and keep it. Pure apart from the one batched lookup;
 * the projections' evolve stays a function of the event.
 */
export async function withCustomers(
  events: readonly StoredEvent[],
  directory: CustomerDirectory,
): Promise<StoredEvent[]> {
  const wanted = events.filter(needsCustomer).map((e) => Number(e.payload.customerId));
  if (wanted.length === 0) return [...events];
  const found = await directory.customers(wanted);
  return events.map((e) => {
    if (!needsCustomer(e)) return e;
    const c = found.get(Number(e.payload.customerId));
    return c ? { ...e, payload: { ...e.payload, customer: { name: c.name, address: c.address } } } : e;
  });
}

const needsCustomer = (e: StoredEvent) => e.type === 'OrderConfirmed' && !e.payload.customer;
