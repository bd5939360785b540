import { AppError } from '../platform/errors';

export class PaymentDeclinedError extends AppError {
  constructor() {
    super(402, 'PAYMENT_DECLINED', 'The payment was declined; nothing was bought');
  }
}

export type Payment = (order: { orderId: string; customerId: number; productId: number }) => Promise<void>;

/** The simulated payment step: configurable latency and failure rate (defaults 0 and 0). */
export function simulatedPayment(
  options: { latencyMs: number; failureRate: number },
  random = Math.random,
): Payment {
  return async () => {
    if (options.latencyMs > 0) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (options.failureRate > 0 && random() < options.failureRate) throw new PaymentDeclinedError();
  };
}
