import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What a migration has finished: chunk indexes of one plan, with each chunk's checksum. */
export interface CheckpointState {
  plan: string;
  chunks: Record<string, { count: number; sum: string }>;
}

/**
 * Whether the checkpoint at `path` holds every chunk of its own plan (a load that ran to
 * its end, whatever the source has grown to since).
 */
export async function loadCompleted(path: string): Promise<boolean> {
  let state: CheckpointState;
  try {
    state = JSON.parse(await readFile(path, 'utf8')) as CheckpointState;
  } catch {
    return false;
  }
  const m = /:(\d+)-(\d+)\/(\d+)$/.exec(state.plan);
  if (!m) return false;
  const [min, max, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const chunks = max < min ? 0 : Math.ceil((max - min + 1) / size);
  return Object.keys(state.chunks).length >= chunks;
}

/**
 * A resumable migration's memory, in a JSON file written atomically (temp file + rename)
 * after every chunk, so a kill at any moment leaves either the old or the new state.
 * A different plan (other source range or chunk size) starts afresh.
 */
export class Checkpoint {
  private state: CheckpointState;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly path: string,
    plan: string,
    previous: CheckpointState | undefined,
  ) {
    this.state = previous?.plan === plan ? previous : { plan, chunks: {} };
  }

  static async open(path: string, plan: string, restart: boolean): Promise<Checkpoint> {
    let previous: CheckpointState | undefined;
    if (!restart) {
      try {
        previous = JSON.parse(await readFile(path, 'utf8')) as CheckpointState;
      } catch {
        previous = undefined;
      }
    }
    return new Checkpoint(path, plan, previous);
  }

  isDone(chunk: number): boolean {
    return String(chunk) in this.state.chunks;
  }

  get doneChunks(): number {
    return Object.keys(this.state.chunks).length;
  }

  chunkSums(): { count: number; sum: string }[] {
    return Object.values(this.state.chunks);
  }

  /** Records a finished chunk; writes are serialised so the file is never torn. */
  markDone(chunk: number, checksum: { count: number; sum: string }): Promise<void> {
    this.state.chunks[String(chunk)] = checksum;
    const snapshot = JSON.stringify(this.state);
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(`${this.path}.tmp`, snapshot);
      await rename(`${this.path}.tmp`, this.path);
    });
    return this.writing;
  }

  async clear(): Promise<void> {
    await this.writing;
    await rm(this.path, { force: true });
  }
}
