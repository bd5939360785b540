import './env';
import { execFileSync } from 'node:child_process';

/**
 * Before the int and e2e tiers: starts the local stack (idempotent) and provisions it,
 * the way `npm run dev` does, with the test tables of ./env instead of the dev ones.
 */
export default async function setup(): Promise<() => Promise<void>> {
  execFileSync('bash', ['scripts/stack.sh', 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { provisionDynamo, provisionLegacy, provisionMongo } = await import('../../scripts/provision');
  const log = console.log;
  console.log = () => undefined; // provisioning narrates; tests need not
  try {
    await provisionDynamo();
    await provisionMongo();
    await provisionLegacy();
  } finally {
    console.log = log;
  }
  const { mongoClient } = await import('#shared/clients/mongo');
  return () => mongoClient.close();
}
