import { countedAs, countStoreCall } from '#shared/platform/store-calls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConflictError, ServiceUnavailableError } from '#shared/platform/errors';
import { httpHandler } from '#shared/platform/http/pipeline';
import { json, type HttpResponse } from '#shared/platform/http/responses';
import {
  flushMetrics,
  METRICS_CATALOG,
  METRICS_NAMESPACE,
  metricsService,
  recordMetric,
  setMetricsSink,
  withMetrics,
  type MetricDimensions,
  type MetricName,
} from '#shared/platform/metrics/metrics';
import { READ_MODELS } from '#shared/projections/projection';
import { handler as ping } from '../../functions/ping/get';
import { apiEvent, lambdaContext } from '../support/events';

/**
 * Every EMF line the code writes, held to the format CloudWatch extracts metrics from
 * (docs.aws.amazon.com, "Embedded metric format specification") and to the one list
 * (catalog.json) the template's alarms and dashboard read.
 */
const UNITS = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

const EmfLine = z
  .object({
    _aws: z.strictObject({
      Timestamp: z.number().int().positive(),
      CloudWatchMetrics: z
        .array(
          z.strictObject({
            Namespace: z.string().min(1).max(255),
            Dimensions: z.array(z.array(z.string().min(1)).max(30)).length(1),
            Metrics: z
              .array(
                z.strictObject({
                  Name: z.string().min(1).max(255),
                  Unit: z.string().refine((u) => UNITS.has(u), 'a CloudWatch unit'),
                }),
              )
              .min(1)
              .max(100),
          }),
        )
        .length(1),
    }),
  })
  .catchall(z.union([z.string(), z.number(), z.array(z.number()).max(100)]));

/** Checks one line; returns its metric names with their dimension sets. */
function validate(line: string): { name: string; dimensions: string[] }[] {
  const emf = EmfLine.parse(JSON.parse(line));
  const [directive] = emf._aws.CloudWatchMetrics;
  if (!directive) throw new Error('no directive');
  expect(directive.Namespace).toBe(METRICS_NAMESPACE);
  const [dimensions = []] = directive.Dimensions;
  // Every dimension named is a string member; every metric a number (or up to 100 of them).
  for (const d of dimensions) expect(typeof emf[d], `dimension ${d}`).toBe('string');
  expect(emf.service).toBe(metricsService());
  return directive.Metrics.map((m) => {
    const value = emf[m.Name];
    expect(typeof value === 'number' || Array.isArray(value), `value of ${m.Name}`).toBe(true);
    const listed = METRICS_CATALOG.metrics[m.Name as MetricName];
    expect(listed, `${m.Name} is in catalog.json`).toBeDefined();
    expect(m.Unit).toBe(listed.unit);
    const set =
      METRICS_CATALOG.dimensionSets[listed.dimensions as keyof typeof METRICS_CATALOG.dimensionSets];
    expect(dimensions, `${m.Name}'s dimension set`).toEqual(set);
    return { name: m.Name, dimensions };
  });
}

let lines: string[] = [];
let previous: (line: string) => void;
beforeAll(() => {
  previous = setMetricsSink((line) => lines.push(line));
});
afterAll(() => {
  setMetricsSink(previous);
});
const take = () => {
  const out = lines;
  lines = [];
  return out;
};

const SAMPLE_DIMENSIONS: Record<string, MetricDimensions> = {
  service: {},
  path: { path: 'new' },
  readModel: { readModel: 'purchase_history' },
  check: { check: 'read-model-rows' },
  route: { route: 'GET /ping' },
  routeStore: { route: 'GET /ping', store: 'dynamodb' },
  function: { function_name: 'oshop-msa-dev-ping' },
};

describe('metrics: embedded metric format, every name from the one list', () => {
  it('writes each listed metric as a valid EMF line with its dimension set', () => {
    for (const [name, m] of Object.entries(METRICS_CATALOG.metrics))
      recordMetric(name as MetricName, 1, SAMPLE_DIMENSIONS[m.dimensions]);
    flushMetrics();
    const seen = take().flatMap(validate);
    expect(new Set(seen.map((s) => s.name))).toEqual(new Set(Object.keys(METRICS_CATALOG.metrics)));
  });

  it('names the read models the projector has (the template makes an alarm for each)', () => {
    expect(METRICS_CATALOG.dimensionValues.readModel).toEqual([...READ_MODELS]);
  });

  it('refuses a metric without the dimension its set names', () => {
    expect(() => recordMetric('OrdersPlaced')).toThrow(/needs the dimension path/);
  });

  it('flushes a metric at 99 values, before Powertools would write it to stdout by itself', () => {
    for (let i = 0; i < 250; i++) recordMetric('ProjectionLag', i, { readModel: 'product_sales' });
    flushMetrics();
    const out = take();
    out.forEach(validate);
    const counts = out.map((l) => (JSON.parse(l) as { ProjectionLag: number[] }).ProjectionLag.length);
    expect(counts).toEqual([99, 99, 52]);
  });

  it('the HTTP pipeline counts every request by route, its latency, one cold start, and flushes', async () => {
    const res = await ping(apiEvent({ httpMethod: 'GET', resource: '/ping', path: '/ping' }), lambdaContext);
    expect(res.statusCode).toBe(200);
    const names = take().flatMap(validate);
    expect(names.map((n) => n.name).sort()).toEqual(['ColdStart', 'Latency', 'Requests']);
    await ping(apiEvent({ httpMethod: 'GET', resource: '/ping', path: '/ping' }), lambdaContext);
    expect(
      take()
        .flatMap(validate)
        .map((n) => n.name),
    ).not.toContain('ColdStart');
  });

  it("counts an order's answer as its outcome on its side, and a 5xx as a server error", async () => {
    const outcomes = [
      () => json(201, { status: 'confirmed', remaining: 7 }),
      () => json(201, { status: 'pending', remaining: 6 }),
      () => {
        throw new ConflictError('SOLD_OUT', 'sold out');
      },
      () => {
        throw new ConflictError('LIMIT_REACHED', 'limit');
      },
      () => {
        throw new ServiceUnavailableError('down');
      },
      () => {
        throw new Error('bug');
      },
    ];
    let answer = outcomes[0]!;
    const order = httpHandler(
      { guard: { allow: 'anyone' }, outcomes: { kind: 'order', path: 'legacy' }, params: z.object({}) },
      async () => answer(),
    );
    const counted: Record<string, number> = {};
    const remaining: number[] = [];
    for (const next of outcomes) {
      answer = next;
      await order(
        apiEvent({ httpMethod: 'POST', resource: '/legacy/hotdeals/{productId}/orders' }),
        lambdaContext,
      );
      for (const line of take()) {
        validate(line);
        const emf = JSON.parse(line) as Record<string, unknown>;
        for (const name of Object.keys(METRICS_CATALOG.metrics))
          if (typeof emf[name] === 'number') counted[name] = (counted[name] ?? 0) + (emf[name] as number);
        if ('OrdersPlaced' in emf) expect(emf.path).toBe('legacy');
        if (typeof emf.UnitsRemaining === 'number') remaining.push(emf.UnitsRemaining);
      }
    }
    expect(counted).toMatchObject({
      OrdersPlaced: 2,
      OrdersConfirmed: 1,
      OrdersSoldOut: 1,
      OrdersLimitReached: 1,
      OrdersUnavailable: 1,
      Requests: 6,
      ServerErrors: 2,
    });
    expect(remaining).toEqual([7, 6, 0]); // the answers' own, and none left after SOLD_OUT
  });

  it("reports each store's round trips of a request by route and store, the payment provider's apart, requests in flight kept apart", async () => {
    const pause = () => new Promise((r) => setTimeout(r, 5));
    const order = httpHandler(
      { guard: { allow: 'anyone' }, params: z.object({}) },
      async (): Promise<HttpResponse> => {
        countStoreCall('redis');
        await pause();
        countStoreCall('dynamodb');
        await countedAs('payment', async () => {
          await pause();
          countStoreCall('dynamodb');
        });
        countStoreCall('dynamodb');
        return json(201, {});
      },
    );
    const lookup = httpHandler({ guard: { allow: 'anyone' }, params: z.object({}) }, async () => {
      await pause();
      countStoreCall('legacy');
      return json(200, {});
    });
    take();
    await Promise.all([
      order(apiEvent({ httpMethod: 'POST', resource: '/hotdeals/{productId}/orders' }), lambdaContext),
      lookup(apiEvent({ httpMethod: 'GET', resource: '/legacy/purchases/{customerId}' }), lambdaContext),
      order(apiEvent({ httpMethod: 'POST', resource: '/hotdeals/{productId}/orders' }), lambdaContext),
    ]);
    const trips: Record<string, number> = {};
    for (const line of take()) {
      validate(line);
      const emf = JSON.parse(line) as Record<string, unknown>;
      if ('StoreRequests' in emf) {
        const key = `${String(emf.route)} ${String(emf.store)}`;
        trips[key] = (trips[key] ?? 0) + (emf.StoreRequests as number);
      }
    }
    expect(trips).toEqual({
      'POST /hotdeals/{productId}/orders redis': 2,
      'POST /hotdeals/{productId}/orders dynamodb': 4,
      'POST /hotdeals/{productId}/orders payment': 2,
      'GET /legacy/purchases/{customerId} legacy': 1,
    });
    countStoreCall('dynamodb'); // outside a request: counted nowhere, no error
  });

  it('a stream or schedule handler flushes what it recorded, thrown or not', async () => {
    const sweep = withMetrics(async (fail: boolean) => {
      recordMetric('SweeperOrdersFinished', 2);
      if (fail) throw new Error('store away');
    });
    await sweep(false);
    await expect(sweep(true)).rejects.toThrow('store away');
    const names = take()
      .flatMap(validate)
      .map((n) => n.name);
    expect(names.filter((n) => n === 'SweeperOrdersFinished')).toHaveLength(2);
  });
});
