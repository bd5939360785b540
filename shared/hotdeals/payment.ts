import type { RedisClient } from '../platform/clients/redis';
import { AppError } from '../platform/errors';

export class PaymentDeclinedError extends AppError {
  constructor() {
    super(402, 'PAYMENT_DECLINED', 'The payment was declined; nothing was bought');
  }
}

/** paid or declined; void: never charged, and now it never will be (a late charge is declined). */
export type PaymentOutcome = 'paid' | 'declined' | 'void';

export interface PaymentRequest {
  orderId: string;
  customerId: number;
  productId: number;
}

/**
 * The payment step, as a payment provider offers it: a charge is idempotent by order id
 * (charging again answers the first outcome and charges nothing twice), and an order's
 * outcome can be settled: the sweeper asks it for an order whose function died around its
 * payment, and a charge that never happened is voided then, so it cannot happen later.
 */
export interface Payment {
  /** Charges the order, or answers its earlier outcome; declined (or void) throws PaymentDeclinedError. */
  charge(order: PaymentRequest): Promise<void>;
  /** The order's outcome; a charge never made is made void. */
  settle(orderId: string): Promise<PaymentOutcome>;
}

/**
 * The simulated provider: configurable latency and decline rate (defaults 0 and 0), its
 * ledger in Redis (`payment:<log>:<orderId>`, kept a day), which stands for the provider's own
 * records: one SET NX per charge, so a retried charge finds the first outcome.
 */
export function simulatedPayment(
  ledger: RedisClient,
  options: { latencyMs: number; failureRate: number; namespace: string },
  random = Math.random,
): Payment {
  // Order ids are unique within one log: the ledger is named by the log's table too.
  const key = (orderId: string) => `payment:${options.namespace}:${orderId}`;
  /** Records the outcome unless one is there; answers the one that stands. */
  const record = async (orderId: string, outcome: PaymentOutcome): Promise<PaymentOutcome> => {
    const first = (await ledger.set(key(orderId), outcome, 'EX', 86_400, 'NX', 'GET')) as string | null;
    return (first as PaymentOutcome | null) ?? outcome;
  };
  return {
    async charge({ orderId }) {
      if (options.latencyMs > 0) await new Promise((r) => setTimeout(r, options.latencyMs));
      const outcome = options.failureRate > 0 && random() < options.failureRate ? 'declined' : 'paid';
      if ((await record(orderId, outcome)) !== 'paid') throw new PaymentDeclinedError();
    },
    settle: (orderId) => record(orderId, 'void'),
  };
}
