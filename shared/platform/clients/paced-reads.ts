import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Documents = Pick<DynamoDBDocumentClient, 'send'>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Items a read answered: a Scan's or Query's page, a BatchGet's responses, else one. */
function itemsRead(out: unknown): number {
  const o = out as { Items?: unknown[]; Responses?: Record<string, unknown[]> } | undefined;
  if (o?.Items) return o.Items.length;
  if (o?.Responses) return Object.values(o.Responses).reduce((n, r) => n + r.length, 0);
  return 1;
}

/**
 * A background reader's client (the consistency audit): its requests wait so that, on
 * average, it reads at most `itemsPerSecond` items. Every read answers in full, only
 * later; its next request is held back by what the last one read. Why: the audit reads
 * the whole log, which grows with every order, beside live traffic on the same store; on
 * DynamoDB it spends read capacity the order path needs, and on DynamoDB Local (a JVM
 * beside the API on two cores, which `nice` cannot reach) an unpaced scan of 150,000
 * events stalled the todos beside it for about 15 s.
 */
export function pacedReads(documents: Documents, itemsPerSecond: number): Documents {
  let nextAt = 0;
  const send = async (command: Parameters<Documents['send']>[0]) => {
    const wait = nextAt - performance.now();
    if (wait > 0) await sleep(wait);
    const out: unknown = await documents.send(command);
    nextAt = Math.max(nextAt, performance.now()) + (itemsRead(out) / itemsPerSecond) * 1000;
    return out;
  };
  return { send: send as Documents['send'] };
}
