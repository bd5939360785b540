import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { OpsSeries } from './emf-series';

/**
 * Follows the local EMF file (config.metrics.file) as it grows: each call reads what was
 * appended since the last one into the series. A file started again (npm run dev empties
 * it) starts the series again.
 */
export function emfFollower(file: string, secondsKept = 300) {
  let series = new OpsSeries(secondsKept);
  let offset = 0;
  let partial = '';
  return (): OpsSeries => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return series; // nothing written yet
    }
    if (size < offset) {
      series = new OpsSeries(secondsKept);
      offset = 0;
      partial = '';
    }
    if (size === offset) return series;
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      const read = readSync(fd, buffer, 0, buffer.length, offset);
      offset += read;
      const lines = (partial + buffer.subarray(0, read).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line) series.add(line);
    } finally {
      closeSync(fd);
    }
    return series;
  };
}
