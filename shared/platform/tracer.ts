import middy, { type MiddlewareObj } from '@middy/core';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { config } from './config';

/**
 * X-Ray traces in AWS (Powertools Tracer; the template turns active tracing on for every
 * function and the API). The SDK clients are captured where they are made (their calls
 * show as subsegments); ids are annotations (searchable), never bodies.
 *
 * Locally neither the Tracer nor the X-Ray SDK under it is even loaded: serverless offline
 * has no daemon to send to, and the SDK, once loaded in a Lambda-like process (serverless
 * offline sets LAMBDA_TASK_ROOT), hooks the life of every promise whatever its mode
 * (cls-hooked destroy hooks: ~8 % of the API process's CPU in a profile of a CRM load).
 */
export const tracer: Tracer | undefined = config.isLocal
  ? undefined
  : new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: 'oshop-msa' });

/** The handler's trace (a segment per invocation); no middleware at all locally. */
export const traceInvocation = (): MiddlewareObj[] =>
  tracer ? [captureLambdaHandler(tracer, { captureResponse: false })] : [];

/** An AWS SDK client whose calls show as subsegments; the client as it is locally. */
export const captureClient = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);

/** Ids a trace can be found by: the path's product, order, customer (low-cardinality keys, any value). */
const ANNOTATED = ['productId', 'orderId', 'customerId', 'purchaseId', 'custId'] as const;

export function annotateIds(values: Record<string, unknown> | undefined): void {
  if (!tracer?.isTracingEnabled() || !values) return;
  for (const key of ANNOTATED) {
    const v = values[key];
    if (typeof v === 'number' || typeof v === 'string') tracer.putAnnotation(key, v);
  }
}

/** A stream's or a schedule's handler with its trace (HTTP handlers get it from the pipeline). */
export const traced = <E, R>(handler: (event: E) => Promise<R>) => middy(handler).use(traceInvocation());
