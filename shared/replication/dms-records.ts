import { CAPTURED_TABLES, type RowChange } from './changes';

/**
 * AWS DMS ongoing replication writes one JSON record per row change into Kinesis
 * (MessageFormat json-unformatted): `{data, before-image?, metadata: {record-type,
 * operation, schema-name, table-name, ...}}`, Oracle's column names in upper case. This
 * turns one into the RowChange the apply code takes (the same as the local pgoutput
 * capture gives), or undefined for what is not a row change of a captured table (control
 * records, full-load rows, other tables).
 */
export function decodeDmsRecord(record: unknown): RowChange | undefined {
  if (!record || typeof record !== 'object') return undefined;
  const {
    data,
    metadata,
    'before-image': before,
  } = record as {
    data?: unknown;
    metadata?: Record<string, unknown>;
    'before-image'?: unknown;
  };
  if (!metadata || metadata['record-type'] !== 'data') return undefined;
  const op = metadata.operation;
  if (op !== 'insert' && op !== 'update' && op !== 'delete') return undefined;
  const table = `${String(metadata['schema-name'])}.${String(metadata['table-name'])}`.toLowerCase();
  if (!(CAPTURED_TABLES as readonly string[]).includes(table)) return undefined;
  const row = lowerKeys(data);
  if (!row) return undefined;
  const old = op === 'update' ? lowerKeys(before) : undefined;
  return { table, op, row, ...(old ? { old } : {}) };
}

function lowerKeys(value: unknown): Record<string, unknown> | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A Kinesis record's data (base64 JSON) as a row change, or undefined (not one, or not JSON). */
export function decodeKinesisData(base64: string): RowChange | undefined {
  try {
    return decodeDmsRecord(JSON.parse(Buffer.from(base64, 'base64').toString('utf8')));
  } catch {
    return undefined;
  }
}
