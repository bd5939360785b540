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

/**
 * Runs a CLI's main to its exit code: its clients closed either way; a failure printed as
 * "<name> failed: <message>" (never a stack) and exit 1.
 */
export function runToExit(name: string, main: () => Promise<number>, close: () => Promise<void>): void {
  main().then(
    async (code) => {
      await close();
      process.exit(code);
    },
    async (err: unknown) => {
      console.error(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      await close();
      process.exit(1);
    },
  );
}
