/**
 * npm run docdb-users
 *
 * Creates (or updates) the CRM report's read-only DocumentDB user, as the master user.
 * Run it where the cluster answers (inside the VPC, like npm run migrate), with:
 *   MONGO_URL, MONGO_TLS=true, MONGO_TLS_CA_FILE   the cluster
 *   MONGO_SECRET_ARN=<DocDbSecretArn>              the master user (stack output)
 *   READER_SECRET_ARN=<DocDbReaderSecretArn>       the user to make (stack output)
 * Prints the user and its role, never a password.
 */
import { loadCredentials } from '#shared/platform/config';
import { config } from '#shared/platform/config';
import { withSecrets } from '#shared/platform/secrets';
import { closeAll, mongo } from '#shared/wiring';
import { readerUserCommand } from './lib/docdb/users';

async function main(): Promise<void> {
  const arn = process.env.READER_SECRET_ARN;
  if (!arn)
    throw new Error('READER_SECRET_ARN: the ARN of the reader secret (stack output DocDbReaderSecretArn)');
  // The reader's {username, password}, read the way a function reads its own.
  const reader = loadCredentials(await withSecrets({ ...process.env, MONGO_SECRET_ARN: arn })).mongo;
  if (!reader.username || !reader.password) throw new Error('the reader secret has no username or password');
  const admin = (await mongo()).db('admin');
  const found = (await admin.command({ usersInfo: reader.username })) as { users?: unknown[] };
  const exists = (found.users ?? []).length > 0;
  await admin.command(
    readerUserCommand({ name: reader.username, password: reader.password, db: config.mongo.db }, exists),
  );
  console.log(
    `${exists ? 'updated' : 'created'} ${reader.username}: read on ${config.mongo.db}, nothing else`,
  );
}

main().then(closeAll, async (err: unknown) => {
  console.error(`docdb-users failed: ${err instanceof Error ? err.message : String(err)}`);
  await closeAll();
  process.exit(1);
});
