/**
 * Which side answers each service while both run (README: Live migration).
 *
 *   npm run mode                              print every service's mode
 *   npm run mode -- <service> <mode>          switch one (no deploy; every container within MODE_TTL_MS)
 *
 * Services: purchases, crm, hotdeals. Modes: legacy, shadow (legacy answers, new compared), new.
 * Switching hotdeals between a side that sells on legacy (legacy, shadow) and new moves the
 * stock that is left, under the legacy rows' lock. Switching back is the rollback.
 * Exit codes: 0 done, 1 failure, 2 bad arguments.
 */
import { switchServiceMode } from '#shared/cutover/handover';
import {
  CUTOVER_SERVICES,
  SERVICE_MODES,
  type CutoverService,
  type ServiceMode,
} from '#shared/cutover/modes';
import { config } from '#shared/platform/config';
import { closeAll, legacyDb, modeStore, newHotDealStock, sweeperPorts } from '#shared/wiring';
import { runToExit } from './lib/cli';

const USAGE = `usage: npm run mode [-- <service> <mode>]
  services: ${CUTOVER_SERVICES.join(', ')}   modes: ${SERVICE_MODES.join(', ')}`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    const modes = await modeStore().read();
    for (const service of CUTOVER_SERVICES) console.log(`${service.padEnd(10)} ${modes[service]}`);
    return 0;
  }
  const [service, mode, ...rest] = args;
  if (rest.length > 0) usage(`unexpected arguments: ${rest.join(' ')}`);
  if (!(CUTOVER_SERVICES as readonly string[]).includes(service ?? ''))
    usage(`unknown service "${service ?? ''}"`);
  if (!(SERVICE_MODES as readonly string[]).includes(mode ?? '')) usage(`unknown mode "${mode ?? ''}"`);
  const result = await switchServiceMode(
    {
      modes: modeStore(),
      legacyDb,
      newStock: newHotDealStock,
      productsOnSale: async () => (await sweeperPorts()).products(),
      settleMs: Math.round(config.cutover.ttlMs * 1.5) + 250,
      log: (line) => console.log(line),
    },
    service as CutoverService,
    mode as ServiceMode,
  );
  console.log(
    result.from === result.to
      ? `${service}: already ${result.to}`
      : `${service}: ${result.from} -> ${result.to}` +
          (Object.keys(result.moved).length
            ? ` (stock moved for ${Object.keys(result.moved).length} products)`
            : ''),
  );
  return 0;
}

runToExit('mode', main, closeAll);
