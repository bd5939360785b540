import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * parseArgs for the project's CLIs, with its own complaints (unknown option, missing
 * value) handed to the CLI's usage function, which prints them and exits 2.
 */
export function parseCommandLine<T extends ParseArgsConfig>(
  options: T,
  usage: (message: string) => never,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(options);
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }
}
