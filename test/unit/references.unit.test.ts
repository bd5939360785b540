import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '#shared/events/event';
import { withCustomers } from '#shared/projections/references';
import { fakeCustomers } from '../support/fakes';

const event = (type: string, payload: Record<string, unknown>, version = 1): StoredEvent => ({
  streamId: 'unit-1-1-1',
  version,
  eventId: `e${version}`,
  type,
  payload,
  recordedAt: '2026-12-05T00:00:00.000Z',
  schemaVersion: 2,
});

describe('a purchase row’s buyer, looked up by the read side (unit, fake directory)', () => {
  it('fills the customer of a confirmed order that carries none, in one lookup; leaves every other event as it is', async () => {
    let lookups = 0;
    const directory = fakeCustomers();
    const counting = { customers: (ids: readonly number[]) => (lookups++, directory.customers(ids)) };
    const snapshot = { name: 'Then', address: 'Old St' };
    const events = [
      event('OrderPlaced', { customerId: 3, customer: null }, 1),
      event('OrderConfirmed', { customerId: 3, customer: null }, 2),
      event('OrderConfirmed', { customerId: 4, customer: snapshot }, 3),
      event('OrderConfirmed', { customerId: 5, customer: null }, 4),
    ];
    const out = await withCustomers(events, counting);
    expect(lookups).toBe(1);
    expect(out.map((e) => e.payload.customer)).toEqual([
      null,
      { name: 'Customer 3', address: '3 Main St' },
      snapshot, // written before the order path stopped reading customers: kept as it was
      { name: 'Customer 5', address: '5 Main St' },
    ]);
    expect(events[1]!.payload.customer).toBeNull(); // the input is not changed
  });

  it('looks nothing up when no event needs it, and leaves an unknown customer empty', async () => {
    let lookups = 0;
    const none = { customers: async () => (lookups++, new Map()) };
    await withCustomers([event('OrderPlaced', { customerId: 1, customer: null })], none);
    expect(lookups).toBe(0);
    const [unknown] = await withCustomers([event('OrderConfirmed', { customerId: 9, customer: null })], none);
    expect(unknown!.payload.customer).toBeNull();
  });
});
