// First: decides the X-Ray SDK's mode before it loads.
import './xray-mode';
import middy from '@middy/core';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { config } from './config';

/**
 * X-Ray traces in AWS (Powertools Tracer; the template turns active tracing on for every
 * function and the API). Locally off: serverless offline has no X-Ray daemon to send to,
 * and a segment per request would only cost CPU. The SDK clients are captured where they
 * are made (their calls show as subsegments); ids are annotations (searchable), never
 * bodies.
 */
export const tracer = new Tracer({ serviceName: 'oshop-msa', enabled: !config.isLocal });

/** Ids a trace can be found by: the path's product, order, customer (low-cardinality keys, any value). */
const ANNOTATED = ['productId', 'orderId', 'customerId', 'purchaseId', 'custId'] as const;

export function annotateIds(values: Record<string, unknown> | undefined): void {
  if (!tracer.isTracingEnabled() || !values) return;
  for (const key of ANNOTATED) {
    const v = values[key];
    if (typeof v === 'number' || typeof v === 'string') tracer.putAnnotation(key, v);
  }
}

/** A stream's or a schedule's handler with its trace (HTTP handlers get it from the pipeline). */
export const traced = <E, R>(handler: (event: E) => Promise<R>) =>
  middy(handler).use(captureLambdaHandler(tracer, { captureResponse: false }));
