import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
  return {
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
  };
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
  };
}
