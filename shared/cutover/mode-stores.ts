import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { parseModes, type ModeStore, type ServiceModes } from './modes';

/**
 * Locally: a JSON file (`.local/modes.json`, `npm run mode` writes it). No file yet: the
 * defaults (which the environment may set, OSHOP_MODE_<SERVICE>). Written whole through a
 * rename, so a reader never sees half a file.
 */
export function fileModeStore(path: string, defaults: ServiceModes): ModeStore {
  const store: ModeStore = {
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaults;
        throw err;
      }
      return parseModes(text, defaults);
    },
    async write(modes) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(modes, null, 2)}\n`);
      await rename(temporary, path);
    },
    // Read, change one service, write: under a lock file (O_EXCL), so switches made at once
    // by two processes follow each other. A lock older than 10 s is a holder that died.
    async set(service, mode) {
      await mkdir(dirname(path), { recursive: true });
      const lock = `${path}.lock`;
      for (let attempt = 0; ; attempt++) {
        try {
          await (await open(lock, 'wx')).close();
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          const age = await stat(lock).then(
            (s) => Date.now() - s.mtimeMs,
            () => 0,
          );
          if (age > 10_000) await rm(lock, { force: true });
          else if (attempt > 500) throw new Error(`the modes file is locked (${lock})`, { cause: err });
          else await new Promise((r) => setTimeout(r, 20));
        }
      }
      try {
        await store.write({ ...(await store.read()), [service]: mode });
      } finally {
        await rm(lock, { force: true });
      }
    },
  };
  return store;
}

/** In AWS: one SSM parameter holding the three modes (one GetParameter per container per TTL). */
export function ssmModeStore(ssm: SSMClient, name: string, defaults: ServiceModes): ModeStore {
  return {
    async read() {
      try {
        const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }));
        return parseModes(Parameter?.Value ?? '{}', defaults);
      } catch (err) {
        if (err instanceof ParameterNotFound) return defaults;
        throw err;
      }
    },
    async write(modes: ServiceModes) {
      await ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: JSON.stringify(modes),
          Type: 'String',
          Overwrite: true,
        }),
      );
    },
    // SSM has no conditional put: read, change one service, put. Two operators switching
    // two services in the same instant could still race; docs/live-migration.md says so.
    async set(service, mode) {
      await this.write({ ...(await this.read()), [service]: mode });
    },
  };
}
