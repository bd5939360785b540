import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Documents = Pick<DynamoDBDocumentClient, 'send'>;
type QueryInput = ConstructorParameters<typeof QueryCommand>[0];
type ScanInput = ConstructorParameters<typeof ScanCommand>[0];
type Item = Record<string, unknown>;

/**
 * Every item a Query or Scan returns, page after page (DynamoDB stops a page at 1 MB and
 * hands back where to go on). The one paging loop; give `Segment`/`TotalSegments` for one
 * part of a parallel scan (readAllItems below runs all parts at once).
 */
export async function* readPages(
  documents: Documents,
  request: { query: QueryInput } | { scan: ScanInput },
): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Item | undefined;
  do {
    const page =
      'query' in request
        ? await documents.send(new QueryCommand({ ...request.query, ExclusiveStartKey }))
        : await documents.send(new ScanCommand({ ...request.scan, ExclusiveStartKey }));
    yield page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Every item of a Query, or of a Scan run as `segments` parallel parts. */
export async function readAllItems(
  documents: Documents,
  request: { query: QueryInput } | { scan: ScanInput; segments?: number },
): Promise<Item[]> {
  const items: Item[] = [];
  if ('query' in request) {
    for await (const page of readPages(documents, request)) items.push(...page);
    return items;
  }
  const segments = request.segments ?? 1;
  await Promise.all(
    Array.from({ length: segments }, async (_, Segment) => {
      const scan = segments > 1 ? { ...request.scan, Segment, TotalSegments: segments } : request.scan;
      for await (const page of readPages(documents, { scan })) items.push(...page);
    }),
  );
  return items;
}
