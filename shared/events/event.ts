import { ConflictError } from '../platform/errors';

/**
 * The append-only event log. One item per event, keyed by stream id and
 * version: a stream is one aggregate (an order, a product's stock), versions count 1, 2, 3
 * without gaps. An append names the version it expects the stream to be at; the write is
 * conditional on the next version not existing, so of two writers that read the same
 * version one wins and the other gets WrongExpectedVersionError (optimistic concurrency).
 */
/**
 * An event as appended: its type and payload. A store is typed by the union of the events
 * its streams hold (shared/hotdeals/order-events.ts: OrderEventData), so a reader narrows
 * by `type` and gets the payload's own type; the default is any event, untyped.
 */
export interface EventShape {
  type: string;
  payload: Record<string, unknown>;
}
export type NewEvent<E extends EventShape = EventShape> = E;

/** Where and when an event was stored. */
export interface EventMeta {
  streamId: string;
  version: number;
  eventId: string;
  /** When the event was appended (ISO, ms); projection lag is measured from here. */
  recordedAt: string;
  schemaVersion: number;
}

/** A stored event (of a union: each member with its metadata, still narrowed by `type`). */
export type StoredEvent<E extends EventShape = EventShape> = E & EventMeta;

/** Log order: by append time, then stream and version (a stream's own order). */
export const logOrder = (a: StoredEvent, b: StoredEvent): number =>
  a.recordedAt < b.recordedAt
    ? -1
    : a.recordedAt > b.recordedAt
      ? 1
      : a.streamId < b.streamId
        ? -1
        : a.streamId > b.streamId
          ? 1
          : a.version - b.version;

/** The version of payload shape this code writes; readers refuse what they do not know. */
export const SCHEMA_VERSION = 2;

export class WrongExpectedVersionError extends ConflictError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
  ) {
    super(
      'WRONG_EXPECTED_VERSION',
      `Stream ${streamId} is no longer at version ${expectedVersion}; it changed concurrently`,
    );
  }
}

/** One stream's part of an append: the version it is expected to be at, and what follows. */
export interface StreamAppend<E extends EventShape = EventShape> {
  streamId: string;
  expectedVersion: number;
  events: NewEvent<E>[];
  /**
   * The caller knows the stream's tail exists (it wrote it, or a store that only learns of
   * versions after they are written told it so): no check of it, so a single event is one
   * conditional put (half a transaction's write cost; DynamoDB Local also runs
   * transactions one at a time).
   */
  tailKnown?: boolean;
}

/** What else must hold for an append to land, checked in the same write. */
export interface AppendConditions {
  /**
   * Positions that must still be empty (another stream not past a version): the append
   * fails with WrongExpectedVersionError naming that stream when one is taken.
   */
  absent?: { streamId: string; version: number }[];
}

/** Reading the log (what a function that only reads is given: its bundle holds no write). */
export interface EventReader<E extends EventShape = EventShape> {
  /** Every event of one stream from a version on, in version order (strongly consistent). */
  readStream(streamId: string, fromVersion?: number): Promise<StoredEvent<E>[]>;
  /** The events at these exact positions, where they exist (strongly consistent, batched). */
  readAt(positions: { streamId: string; version: number }[]): Promise<StoredEvent<E>[]>;
}

export interface EventStore<E extends EventShape = EventShape> extends EventReader<E> {
  /** Appends events after `expectedVersion` (0: a new stream); returns them as stored. */
  append(streamId: string, expectedVersion: number, events: NewEvent<E>[]): Promise<StoredEvent<E>[]>;
  /** Appends right after an event this writer appended itself (its tail is known). */
  appendAfter(own: EventMeta, events: NewEvent<E>[]): Promise<StoredEvent<E>[]>;
  /**
   * Appends to several streams at once, all or nothing (one transaction; one stream with
   * one event and a known tail is one conditional put). A stream not at its expected
   * version fails the whole append with WrongExpectedVersionError naming that stream.
   */
  appendAll(appends: StreamAppend<E>[], options?: AppendConditions): Promise<StoredEvent<E>[]>;
}

/**
 * Runs a command against a stream's current state (emmett's decide): reads the stream,
 * asks `decide` for new events, appends them at the version read. When another writer
 * appended first, reads again and decides again, up to `attempts` times; then the
 * WrongExpectedVersionError reaches the caller (a clean 409).
 */
export async function handleCommand<E extends EventShape>(
  store: EventStore<E>,
  streamId: string,
  decide: (history: StoredEvent<E>[]) => NewEvent<E>[],
  attempts = 5,
): Promise<StoredEvent<E>[]> {
  for (let attempt = 1; ; attempt++) {
    const history = await store.readStream(streamId);
    try {
      return await store.append(streamId, history.length, decide(history));
    } catch (err) {
      if (!(err instanceof WrongExpectedVersionError) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}
