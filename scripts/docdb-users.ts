/**
 * npm run docdb-users
 *
 * Creates (or updates) the CRM report's read-only DocumentDB user, and change capture's
 * writer (readWrite on the CRM database alone), as the master user.
 * Run it where the cluster answers (inside the VPC, like npm run migrate), with:
 *   MONGO_URL, MONGO_TLS=true, MONGO_TLS_CA_FILE   the cluster
 *   MONGO_SECRET_ARN=<DocDbSecretArn>              the master user (stack output)
 *   READER_SECRET_ARN=<DocDbReaderSecretArn>       the reader to make (stack output)
 *   WRITER_SECRET_ARN=<DocDbWriterSecretArn>       the writer to make (stack output; optional)
 * Prints the user and its role, never a password.
 */
import { loadCredentials } from '#shared/platform/config';
import { config } from '#shared/platform/config';
import { withSecrets } from '#shared/platform/secrets';
import { closeAll, mongo } from '#shared/wiring';
import { readerUserCommand, type CrmRole } from './lib/docdb/users';
import { runToExit } from './lib/cli';

async function main(): Promise<void> {
  const reader = process.env.READER_SECRET_ARN;
  if (!reader)
    throw new Error('READER_SECRET_ARN: the ARN of the reader secret (stack output DocDbReaderSecretArn)');
  await ensureUser(reader, 'read');
  if (process.env.WRITER_SECRET_ARN) await ensureUser(process.env.WRITER_SECRET_ARN, 'readWrite');
}

async function ensureUser(arn: string, role: CrmRole): Promise<void> {
  // The user's {username, password}, read the way a function reads its own.
  const user = loadCredentials(await withSecrets({ ...process.env, MONGO_SECRET_ARN: arn })).mongo;
  if (!user.username || !user.password) throw new Error('the user secret has no username or password');
  const admin = (await mongo()).db('admin');
  const found = (await admin.command({ usersInfo: user.username })) as { users?: unknown[] };
  const exists = (found.users ?? []).length > 0;
  await admin.command(
    readerUserCommand({ name: user.username, password: user.password, db: config.mongo.db }, exists, role),
  );
  console.log(
    `${exists ? 'updated' : 'created'} ${user.username}: ${role} on ${config.mongo.db}, nothing else`,
  );
}

runToExit(
  'docdb-users',
  async () => {
    await main();
    return 0;
  },
  closeAll,
);
