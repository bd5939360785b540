import { describe, expect, it } from 'vitest';
import { planChanges } from '#shared/replication/changes';
import { decodeDmsRecord, decodeKinesisData } from '#shared/replication/dms-records';

/** Records as AWS DMS writes them to Kinesis (json-unformatted, Oracle source, before-images of keys). */
const purchaseInsert = {
  data: {
    PURCHASEID: 77,
    PURCHASESEQ: 1,
    CUSTOMERID: 5,
    PRODUCTID: 9,
    QUANTITY: 2,
    PURCHASEDATE: '2026-12-05T07:00:00Z',
  },
  metadata: {
    timestamp: '2026-12-05T07:00:00.123456Z',
    'record-type': 'data',
    operation: 'insert',
    'partition-key-type': 'schema-table',
    'schema-name': 'OSHOP',
    'table-name': 'PURCHASE',
    'transaction-id': 8_589_934_592,
  },
};
const purchaseMoved = {
  data: { PURCHASEID: 77, PURCHASESEQ: 1, CUSTOMERID: 6, PRODUCTID: 9, QUANTITY: 2 },
  'before-image': { PURCHASEID: 77, PURCHASESEQ: 1, CUSTOMERID: 5 },
  metadata: { ...purchaseInsert.metadata, operation: 'update' },
};

describe('DMS change records (the AWS capture path; the local one is pgoutput, tested on the real stack)', () => {
  it('become the same row changes the local capture gives: lower-case table and columns, the old key of an update', () => {
    expect(decodeDmsRecord(purchaseInsert)).toEqual({
      table: 'oshop.purchase',
      op: 'insert',
      row: {
        purchaseid: 77,
        purchaseseq: 1,
        customerid: 5,
        productid: 9,
        quantity: 2,
        purchasedate: '2026-12-05T07:00:00Z',
      },
    });
    const moved = decodeDmsRecord(purchaseMoved);
    expect(moved).toMatchObject({ op: 'update', row: { customerid: 6 }, old: { customerid: 5 } });
    // The apply work: purchase 77, to be read again, its item under both customers considered.
    expect([...planChanges([moved!]).purchases]).toEqual([[77, new Set([6, 5])]]);
  });

  it('skips control records, full-load rows, tables outside the capture and what is not JSON', () => {
    expect(
      decodeDmsRecord({
        ...purchaseInsert,
        metadata: { ...purchaseInsert.metadata, 'record-type': 'control' },
      }),
    ).toBeUndefined();
    expect(
      decodeDmsRecord({ ...purchaseInsert, metadata: { ...purchaseInsert.metadata, operation: 'load' } }),
    ).toBeUndefined();
    expect(
      decodeDmsRecord({
        ...purchaseInsert,
        metadata: { ...purchaseInsert.metadata, 'table-name': 'ORDER_HISTORY' },
      }),
    ).toBeUndefined();
    expect(decodeKinesisData(Buffer.from('not json').toString('base64'))).toBeUndefined();
    expect(decodeKinesisData(Buffer.from(JSON.stringify(purchaseInsert)).toString('base64'))?.table).toBe(
      'oshop.purchase',
    );
  });

  it('a CRM call and a customer address change decode as the local capture gives them', () => {
    const call = decodeDmsRecord({
      data: { CSH_ID: 12, CUST_ID: 1, CALL_DATE: '2018-01-02', DETAILS: 'refund' },
      metadata: {
        'record-type': 'data',
        operation: 'delete',
        'schema-name': 'HR',
        'table-name': 'CUSTOMER_SERVICE_HISTORY',
      },
    });
    expect(call).toEqual({
      table: 'hr.customer_service_history',
      op: 'delete',
      row: { csh_id: 12, cust_id: 1, call_date: '2018-01-02', details: 'refund' },
    });
    const work = planChanges([call!]);
    expect([...work.calls]).toEqual([12]);
  });
});
