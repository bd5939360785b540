// Operations in the template (README: Operations): the alarm topic, the alarms and the sale's
// dashboard, made from the one list of metrics the code emits
// (shared/platform/metrics/catalog.json) and from the template itself (its functions, their
// routes, its tables), so that a metric renamed, a route added or a table added cannot leave
// an alarm or a widget pointing at nothing. The deploy test reads the result back against
// the same list.
const catalog = require('../shared/platform/metrics/catalog.json');

/** One minute: a sale's trouble shows within it. */
const ALARM_PERIOD = 60;

class Monitoring {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      // After resources.yml is merged, before the template is written (as serverless/edge.cjs).
      'before:aws:package:finalize:saveServiceState': () => this.addMonitoring(),
    };
  }

  addMonitoring() {
    const sls = this.serverless;
    const provider = sls.getProvider('aws');
    const stage = provider.getStage();
    if (stage === 'local') return;
    const template = sls.service.provider.compiledCloudFormationTemplate;
    const resources = template.Resources;
    const service = `oshop-msa-${stage}`;
    const ns = catalog.namespace;
    const custom = sls.service.custom.monitoring;
    const dims = (metric, values) => {
      const set = catalog.dimensionSets[catalog.metrics[metric].dimensions];
      return set.map((name) => ({ Name: name, Value: name === 'service' ? service : values[name] }));
    };
    const ours = (metric, stat, values = {}) => ({
      Namespace: ns,
      MetricName: metric,
      Dimensions: dims(metric, values),
      ...stat,
    });
    const alarms = {};
    // A logical id is letters and digits only: 'Audit-read-models' becomes AlarmAuditReadModels.
    const logicalId = (id) =>
      `Alarm${id
        .split(/[^A-Za-z0-9]+/)
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('')}`;
    const alarm = (id, description, props) => {
      alarms[logicalId(id)] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${service}-${id}`,
          AlarmDescription: description,
          ActionsEnabled: true,
          AlarmActions: [{ Ref: 'AlarmTopic' }],
          OKActions: [{ Ref: 'AlarmTopic' }],
          TreatMissingData: 'notBreaching',
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          ...props,
        },
      };
    };
    const simple = (id, description, metric, { statistic, threshold, values, extended }) =>
      alarm(id, description, {
        ...ours(metric, extended ? { ExtendedStatistic: extended } : { Statistic: statistic }, values),
        Period: ALARM_PERIOD,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanThreshold',
      });

    // The shop's promises, from its own metrics.
    simple('Oversold', 'The consistency audit found units sold beyond the stock set', 'OversoldUnits', {
      statistic: 'Maximum',
      threshold: 0,
    });
    simple(
      'OrderPendingPastBound',
      `A hot-deal order is still pending past its bound (${custom.pendingBoundSeconds} s)`,
      'OldestPendingOrderAge',
      { statistic: 'Maximum', threshold: custom.pendingBoundSeconds },
    );
    for (const check of catalog.dimensionValues.check)
      simple(`Audit-${check}`, `The consistency audit's ${check} check found differences`, 'AuditFindings', {
        statistic: 'Sum',
        threshold: 0,
        values: { check },
      });
    for (const readModel of catalog.dimensionValues.readModel)
      simple(`ProjectionLag-${readModel}`, `Projection lag p95 of ${readModel} over 1 s`, 'ProjectionLag', {
        extended: 'p95',
        threshold: 1000,
        values: { readModel },
      });

    // 5xx share over 1 % on any route: the route's ServerErrors / Requests.
    const routes = httpRoutes(sls.service.functions);
    for (const { name, route } of routes)
      alarm(`5xx-${name}`, `Over 1 % of ${route} answered 5xx`, {
        Metrics: [
          {
            Id: 'errors',
            ReturnData: false,
            MetricStat: { Metric: ours('ServerErrors', {}, { route }), Period: ALARM_PERIOD, Stat: 'Sum' },
          },
          {
            Id: 'requests',
            ReturnData: false,
            MetricStat: { Metric: ours('Requests', {}, { route }), Period: ALARM_PERIOD, Stat: 'Sum' },
          },
          { Id: 'share', Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      });

    // The platform's own: Lambda errors per function, throttles, DynamoDB, ElastiCache, DocumentDB.
    const naming = provider.naming;
    for (const fn of Object.keys(sls.service.functions)) {
      const id = naming.getLambdaLogicalId(fn);
      if (!resources[id]) continue;
      const FunctionName = { Ref: id };
      alarm(`LambdaErrors-${fn}`, `${fn} failed (Lambda Errors)`, {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: FunctionName }],
        Statistic: 'Sum',
        Period: ALARM_PERIOD,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      alarm(`LambdaThrottles-${fn}`, `${fn} was throttled`, {
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: [{ Name: 'FunctionName', Value: FunctionName }],
        Statistic: 'Sum',
        Period: ALARM_PERIOD,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
    for (const [id, r] of Object.entries(resources))
      if (r.Type === 'AWS::DynamoDB::Table') {
        const table = [{ Name: 'TableName', Value: { Ref: id } }];
        alarm(`DynamoThrottles-${id}`, `${id}: reads or writes throttled`, {
          Metrics: [
            metricQuery('r', 'AWS/DynamoDB', 'ReadThrottleEvents', table),
            metricQuery('w', 'AWS/DynamoDB', 'WriteThrottleEvents', table),
            { Id: 'throttled', Expression: 'r + w', ReturnData: true },
          ],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        const operations = [
          'GetItem',
          'PutItem',
          'UpdateItem',
          'Query',
          'BatchWriteItem',
          'TransactWriteItems',
        ];
        alarm(`DynamoSystemErrors-${id}`, `${id}: DynamoDB system errors`, {
          Metrics: [
            ...operations.map((op, i) =>
              metricQuery(`e${i}`, 'AWS/DynamoDB', 'SystemErrors', [
                ...table,
                { Name: 'Operation', Value: op },
              ]),
            ),
            { Id: 'errors', Expression: operations.map((_, i) => `e${i}`).join(' + '), ReturnData: true },
          ],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    if (resources.RedisReplicationGroup)
      alarm('RedisReplicationLag', 'ElastiCache replica more than 1 s behind its primary', {
        Namespace: 'AWS/ElastiCache',
        MetricName: 'ReplicationLag',
        Dimensions: [{ Name: 'CacheClusterId', Value: { 'Fn::Sub': '${RedisReplicationGroup}-0001-002' } }],
        Statistic: 'Maximum',
        Period: ALARM_PERIOD,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    if (resources.DocDbCluster)
      alarm('DocDbCpu', 'DocumentDB CPU over 80 % for 5 minutes', {
        Namespace: 'AWS/DocDB',
        MetricName: 'CPUUtilization',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: { Ref: 'DocDbCluster' } }],
        Statistic: 'Average',
        Period: 300,
        Threshold: 80,
        ComparisonOperator: 'GreaterThanThreshold',
      });

    Object.assign(resources, alarms, {
      AlarmTopic: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: `${service}-alarms`, KmsMasterKeyId: 'alias/aws/sns' },
      },
      ...(custom.alarmEndpoint
        ? {
            AlarmSubscription: {
              Type: 'AWS::SNS::Subscription',
              Properties: {
                TopicArn: { Ref: 'AlarmTopic' },
                Protocol: 'email',
                Endpoint: custom.alarmEndpoint,
              },
            },
          }
        : {}),
      SaleDashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          DashboardName: `${service}-sale`,
          DashboardBody: { 'Fn::Sub': JSON.stringify(dashboard(service, ns, routes)) },
        },
      },
    });
  }
}

const metricQuery = (id, namespace, metric, dimensions) => ({
  Id: id,
  ReturnData: false,
  MetricStat: {
    Metric: { Namespace: namespace, MetricName: metric, Dimensions: dimensions },
    Period: ALARM_PERIOD,
    Stat: 'Sum',
  },
});

/** Every HTTP route of the template as the code names it (`${httpMethod} ${resource}`). */
function httpRoutes(functions) {
  return Object.entries(functions).flatMap(([name, fn]) =>
    (fn.events ?? [])
      .filter((e) => e.http)
      .map((e) => {
        const http =
          typeof e.http === 'string' ? { method: e.http.split(' ')[0], path: e.http.split(' ')[1] } : e.http;
        const path = `/${String(http.path).replace(/^\/+/, '')}`;
        return {
          name,
          route: `${String(http.method).toUpperCase()} ${path === '/' ? '/' : path.replace(/\/+$/, '')}`,
        };
      }),
  );
}

/**
 * The sale at a glance, legacy and new side by side: orders/s by outcome, stock left,
 * latency percentiles of the order and lookup routes, projection lag, errors. `${AWS::Region}`
 * is left for Fn::Sub (the dashboard's region).
 */
function dashboard(service, ns, routes) {
  const region = '${AWS::Region}';
  const dimsOf = (metric) => catalog.dimensionSets[catalog.metrics[metric].dimensions];
  const line = (metric, values, options = {}) => [
    ns,
    metric,
    ...dimsOf(metric).flatMap((d) => [d, d === 'service' ? service : values[d]]),
    options,
  ];
  const outcomes = [
    'OrdersPlaced',
    'OrdersConfirmed',
    'OrdersSoldOut',
    'OrdersLimitReached',
    'OrdersPaymentDeclined',
    'OrdersUnavailable',
    'OrdersCancelled',
  ];
  const widget = (x, y, title, metrics, props = {}) => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, view: 'timeSeries', stat: 'Sum', period: 60, metrics, ...props },
  });
  const latency = (side) =>
    routes
      .filter((r) => /hotdeals\/\{productId\}\/orders$|purchases\//.test(r.route))
      .filter((r) => r.route.includes('/legacy/') === (side === 'legacy'))
      .flatMap((r) =>
        ['p50', 'p95', 'p99'].map((stat) =>
          line('Latency', { route: r.route }, { stat, label: `${r.route} ${stat}` }),
        ),
      );
  const widgets = [];
  for (const [i, side] of ['new', 'legacy'].entries()) {
    const x = i * 12;
    widgets.push(
      widget(
        x,
        0,
        `Orders/min by outcome (${side})`,
        outcomes.map((m) => line(m, { path: side })),
      ),
      widget(x, 6, `Stock left (${side})`, [line('UnitsRemaining', { path: side }, { stat: 'Minimum' })]),
      widget(x, 12, `Latency p50/p95/p99 (${side})`, latency(side), { stat: 'p95' }),
      widget(x, 18, `Lookups (${side})`, [
        line('LookupsServed', { path: side }),
        line('LookupsNotFound', { path: side }),
      ]),
    );
  }
  widgets.push(
    widget(
      0,
      24,
      'Projection lag p95 (ms)',
      catalog.dimensionValues.readModel.map((readModel) =>
        line('ProjectionLag', { readModel }, { stat: 'p95' }),
      ),
    ),
    widget(
      12,
      24,
      'Server errors (5xx) by route',
      routes.map((r) => line('ServerErrors', { route: r.route })),
    ),
    widget(0, 30, 'Promises: oversold units, oldest pending order (s), claim conflicts', [
      line('OversoldUnits', {}, { stat: 'Maximum' }),
      line('OldestPendingOrderAge', {}, { stat: 'Maximum' }),
      line('ClaimConflicts', {}),
    ]),
    widget(
      12,
      30,
      'Consistency audit findings',
      catalog.dimensionValues.check.map((check) => line('AuditFindings', { check })),
    ),
  );
  return { widgets };
}

module.exports = Monitoring;
