/** The SQL layer's shapes (./database.ts), apart so the dialect adapters need not import it back. */
export type Bind = string | number | boolean | Date | null;
export type Binds = Readonly<Record<string, Bind>>;
export type Row = Record<string, unknown>;

export interface SqlSession {
  /** Runs one statement; row keys are lower-case column names in both dialects. */
  query<T extends Row = Row>(sql: string, binds?: Binds): Promise<T[]>;
}

export interface SqlDatabase extends SqlSession {
  readonly dialect: 'postgres' | 'oracle';
  /** Runs work in one transaction on one pooled connection: commit on success, rollback on throw. */
  transaction<R>(work: (session: SqlSession) => Promise<R>): Promise<R>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface SqlDatabaseOptions {
  dialect: 'postgres' | 'oracle';
  /** postgres: host:port/database; oracle: Easy Connect string or TNS alias. */
  connect: string;
  user: string;
  password: string | undefined;
  poolMax: number;
  /** How long a caller may wait for a pooled connection. */
  acquireTimeoutMs: number;
}
