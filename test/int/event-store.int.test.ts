import '../support/env';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dynamoEventStore,
  handleCommand,
  SCHEMA_VERSION,
  WrongExpectedVersionError,
  type NewEvent,
} from '#shared/events/event-store';
import { config } from '#shared/platform/config';
import { dynamo, dynamoWrites } from '#shared/wiring';

/** The test tables' event log, untyped (these events are the store's, not the shop's). */
const testEvents = dynamoEventStore(dynamo().documents, dynamoWrites(), config.dynamodb.eventTable);

const stream = () => `test-${randomUUID()}`;
const note = (n: number): NewEvent => ({ type: 'Noted', payload: { n } });

describe('event store on DynamoDB Local', () => {
  it('appends events at consecutive versions and reads them back in order', async () => {
    const s = stream();
    await testEvents.append(s, 0, [note(1)]);
    await testEvents.append(s, 1, [note(2), note(3)]);
    const events = await testEvents.readStream(s);
    expect(events.map((e) => [e.version, e.payload.n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    expect(
      events.every((e) => e.schemaVersion === SCHEMA_VERSION && !Number.isNaN(Date.parse(e.recordedAt))),
    ).toBe(true);
  });

  it('two concurrent appends at the same version: one wins, the other fails cleanly and writes nothing', async () => {
    const s = stream();
    await testEvents.append(s, 0, [note(0)]);
    const results = await Promise.allSettled([
      testEvents.append(s, 1, [note(1)]),
      testEvents.append(s, 1, [note(2), note(3)]),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(WrongExpectedVersionError);
    expect(lost[0]).toMatchObject({ statusCode: 409, code: 'WRONG_EXPECTED_VERSION' });
    const versions = (await testEvents.readStream(s)).map((e) => e.version);
    expect(versions).toEqual(versions.length === 2 ? [1, 2] : [1, 2, 3]); // the winner's events only
  });

  it('many racing first appends to one new stream: exactly one creates it', async () => {
    const s = stream();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => testEvents.append(s, 0, [note(i)])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await testEvents.readStream(s)).toHaveLength(1);
  });

  it('refuses an expected version the stream has not reached (no gap is ever written)', async () => {
    const s = stream();
    await testEvents.append(s, 0, [note(1)]);
    await expect(testEvents.append(s, 5, [note(6)])).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await testEvents.readStream(s)).toHaveLength(1);
  });

  it('appendAfter (the writer knows the tail, it wrote it): next version, and a racing writer still loses', async () => {
    const s = stream();
    const [own] = await testEvents.append(s, 0, [note(1)]);
    if (!own) throw new Error('nothing appended');
    const results = await Promise.allSettled([
      testEvents.appendAfter(own, [note(2)]),
      testEvents.append(s, 1, [note(3)]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: expect.any(WrongExpectedVersionError),
    });
    expect((await testEvents.readStream(s)).map((e) => e.version)).toEqual([1, 2]);
  });

  it("an append conditioned on another stream's next position lands while it is empty, and is refused naming that stream once it is taken (nothing written)", async () => {
    const [unit, stock] = [stream(), stream()];
    await testEvents.append(stock, 0, [note(1)]);
    const whileCurrent = { absent: [{ streamId: stock, version: 2 }] };
    await testEvents.appendAll([{ streamId: unit, expectedVersion: 0, events: [note(10)] }], whileCurrent);
    await testEvents.append(stock, 1, [note(2)]); // the stock set again
    const refused = await testEvents
      .appendAll([{ streamId: unit, expectedVersion: 1, events: [note(11)], tailKnown: true }], whileCurrent)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WrongExpectedVersionError);
    expect(refused).toMatchObject({ streamId: stock, expectedVersion: 1 });
    expect((await testEvents.readStream(unit)).map((e) => e.payload.n)).toEqual([10]);
  });

  it('handleCommand: the loser of a race reads again and decides again, so both commands land', async () => {
    const s = stream();
    const decide = (history: { payload: Record<string, unknown> }[]) => [note(history.length + 1)];
    await Promise.all(Array.from({ length: 5 }, () => handleCommand(testEvents, s, decide, 10)));
    expect((await testEvents.readStream(s)).map((e) => [e.version, e.payload.n])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });
});
