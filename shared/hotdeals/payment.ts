import { WrongExpectedVersionError, type EventStore } from '../events/event';
import { AppError } from '../platform/errors';
import { countedAs } from '../platform/store-calls';
import { newEvent, paymentStream, PaymentRecorded, type PaymentOutcome } from './order-events';

export class PaymentDeclinedError extends AppError {
  constructor() {
    super(402, 'PAYMENT_DECLINED', 'The payment was declined; nothing was bought');
  }
}

export type { PaymentOutcome };

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
 * ledger as durable as a real provider's: one stream per order id in the order log
 * (`payment-<orderId>`), whose first event is the outcome that stands. A charge or a settle
 * appends at version 1, conditionally, so a retried charge finds the first outcome and no
 * Redis loss (the ledger lived on the stock's Redis once) can turn a paid order into a void
 * one that the sweeper would cancel after its buyer was told "confirmed".
 */
export function simulatedPayment(
  ledger: EventStore,
  options: { latencyMs: number; failureRate: number },
  random = Math.random,
): Payment {
  /** Records the outcome unless one is there; answers the one that stands. */
  // The provider's own records: an external service's calls, not the order's (../platform/store-calls).
  const record = (orderId: string, outcome: PaymentOutcome) =>
    countedAs('payment', () => recordOnce(orderId, outcome));
  const recordOnce = async (orderId: string, outcome: PaymentOutcome): Promise<PaymentOutcome> => {
    const stream = paymentStream(orderId);
    try {
      await ledger.append(stream, 0, [newEvent('PaymentRecorded', { orderId, outcome })]);
      return outcome;
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError)) throw err;
      const [first] = await ledger.readStream(stream);
      return PaymentRecorded.parse(first?.payload).outcome;
    }
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
