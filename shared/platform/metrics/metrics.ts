import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Metrics, type MetricUnit } from '@aws-lambda-powertools/metrics';
import { config } from '../config';
import catalog from './catalog.json';

/**
 * The shop's metrics, in CloudWatch embedded metric format (EMF) written by Powertools
 * Metrics. Every name, unit and dimension set is in catalog.json, the one list that the
 * template's alarms and dashboard (serverless/monitoring.cjs) and the tests read too. A
 * metric is recorded with the dimension values its set names besides `service` (the
 * stage's service name), and flushed once per invocation (the HTTP pipeline, the stream
 * and schedule handlers) or every few seconds (the local long-running processes).
 */
export type MetricName = keyof typeof catalog.metrics;
export type DimensionSetName = keyof typeof catalog.dimensionSets;
export const METRICS_NAMESPACE = catalog.namespace;
/** The `service` dimension's value: the stage's own, so two stages never mix. */
export const metricsService = (stage = config.stage) => `oshop-msa-${stage}`;

/** Dimension values besides `service` (low cardinality only: a path, a read model, a route). */
export interface MetricDimensions {
  path?: 'new' | 'legacy';
  readModel?: string;
  check?: string;
  route?: string;
  store?: string;
  function_name?: string;
}

interface Group {
  dimensions: Record<string, string>;
  values: Map<MetricName, number[]>;
}

/** Powertools publishes by itself (to its own stdout) at 100 values of a metric: we flush first. */
const MAX_VALUES = 99;
const groups = new Map<string, Group>();
const writers = new Map<string, Metrics>();
let sink: (line: string) => void = defaultSink();

function defaultSink(): (line: string) => void {
  const file = config.metrics.file;
  if (!file) return (line) => process.stdout.write(`${line}\n`);
  let made = false;
  return (line) => {
    if (!made) mkdirSync(dirname(file), { recursive: true });
    made = true;
    // One write per line (O_APPEND): lines of several processes never interleave.
    appendFileSync(file, `${line}\n`);
  };
}

/** Tests: where EMF lines go instead (returns the previous sink). */
export function setMetricsSink(next: (line: string) => void): (line: string) => void {
  const previous = sink;
  sink = next;
  return previous;
}

export function recordMetric(name: MetricName, value = 1, dimensions: MetricDimensions = {}): void {
  if (config.metrics.disabled) return;
  const set = catalog.dimensionSets[catalog.metrics[name].dimensions as DimensionSetName];
  const values: Record<string, string> = {};
  for (const key of set)
    if (key !== 'service') {
      const v = dimensions[key as keyof MetricDimensions];
      if (v === undefined) throw new Error(`metric ${name} needs the dimension ${key}`);
      values[key] = v;
    }
  const key = JSON.stringify(values);
  let group = groups.get(key);
  if (!group) groups.set(key, (group = { dimensions: values, values: new Map() }));
  const list = group.values.get(name) ?? [];
  list.push(value);
  group.values.set(name, list);
  if (list.length >= MAX_VALUES) flushGroup(key, group);
}

/** Writes what was recorded, one EMF line per dimension set. */
export function flushMetrics(): void {
  for (const [key, group] of groups) flushGroup(key, group);
}

function flushGroup(key: string, group: Group) {
  groups.delete(key);
  if (group.values.size === 0) return;
  let writer = writers.get(key);
  if (!writer)
    writers.set(
      key,
      (writer = new Metrics({
        namespace: METRICS_NAMESPACE,
        serviceName: metricsService(),
        defaultDimensions: group.dimensions,
      })),
    );
  for (const [name, values] of group.values)
    for (const v of values)
      writer.addMetric(name, catalog.metrics[name].unit as (typeof MetricUnit)[keyof typeof MetricUnit], v);
  const emf = writer.serializeMetrics();
  writer.clearMetrics();
  sink(JSON.stringify(emf));
}

/** The unit of a metric (the template's alarms read the same). */
export const unitOf = (name: MetricName) => catalog.metrics[name].unit;
export { catalog as METRICS_CATALOG };

let coldStart = true;

/**
 * A non-HTTP handler (a stream's or a schedule's) with its metrics: a ColdStart on the
 * container's first invocation, and whatever it recorded flushed when it ends, thrown or
 * not. (HTTP handlers get the same from the pipeline's requestMetrics.)
 */
export function withMetrics<E, R>(
  handler: (event: E, context?: { functionName?: string }) => Promise<R>,
): (event: E, context?: { functionName?: string }) => Promise<R> {
  return async (event, context) => {
    if (coldStart) recordColdStart(context?.functionName);
    try {
      return await handler(event, context);
    } finally {
      flushMetrics();
    }
  };
}

/** The container's first invocation (once per process). */
export function recordColdStart(functionName: string | undefined): void {
  if (!coldStart) return;
  coldStart = false;
  recordMetric('ColdStart', 1, { function_name: functionName || 'local' });
}
