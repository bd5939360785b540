import { archivedCallsOf } from '#shared/crm/mongo-archive';
import { archiveCollection } from '#shared/wiring';

interface PlanNode {
  'Node Type'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (n: PlanNode | undefined): PlanNode[] => (n ? [n, ...(n.Plans ?? []).flatMap(nodesOf)] : []);

/** How the local MongoDB API server answers the report's query (customer 1), in one line. */
export async function describeLocalReportPlan(): Promise<string> {
  const plan = (await archivedCallsOf(await archiveCollection(), 1).explain()) as {
    filterPushdown?: boolean;
    sortPushdown?: boolean;
    queryPlanner?: { Plan?: PlanNode };
    serverInfo?: { ferretdbVersion?: string; version?: string };
  };
  const server = plan.serverInfo?.ferretdbVersion
    ? `FerretDB ${plan.serverInfo.ferretdbVersion} on PostgreSQL`
    : `MongoDB ${plan.serverInfo?.version ?? '?'}`;
  const nodes = nodesOf(plan.queryPlanner?.Plan)
    .map((n) => `${n['Node Type']}${n['Index Name'] ? ` on ${n['Index Name']}` : ''}`)
    .join(' <- ');
  return (
    `the local report query ran on ${server}: filter pushed down ${plan.filterPushdown ? 'yes' : 'NO'}, ` +
    `sort pushed down ${plan.sortPushdown ? 'yes' : 'no (sorted in FerretDB: a customer has a handful of calls)'}; ` +
    `PostgreSQL plan: ${nodes || 'not reported'}. DocumentDB serves it from the cust_calldate index.`
  );
}
