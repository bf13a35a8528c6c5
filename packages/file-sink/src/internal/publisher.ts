import { join } from 'node:path';
import type { FileSinkFileSystem } from '../file-system';
import { subdirectoryOf, type SubdirectoryLayout } from './file-names';

/** Moves finished files into the publish directory, by atomic rename. */
export interface Publisher {
  /** Where a file named `name` and opened at `openedAt` is published. */
  pathOf(name: string, openedAt: number): { dir: string; path: string };
  /**
   * Renames `from` into its publish sub-directory as `name` and fsyncs that directory. With
   * `unique`, a name already taken gets `-r1`, `-r2`, … before `.avro` (recovered files: the
   * sink may have published a file of that name before it crashed). Returns the published path.
   */
  publish(from: string, name: string, openedAt: number, unique?: boolean): Promise<string>;
}

/** Options of {@link createPublisher}. */
export interface PublisherOptions {
  readonly fs: FileSinkFileSystem;
  readonly publishDirectory: string;
  readonly layout: SubdirectoryLayout;
}

/** Creates the {@link Publisher} of one sink. */
export function createPublisher({ fs, publishDirectory, layout }: PublisherOptions): Publisher {
  function pathOf(name: string, openedAt: number) {
    const sub = subdirectoryOf(layout, openedAt);
    const dir = sub === '' ? publishDirectory : join(publishDirectory, sub);
    return { dir, path: join(dir, name) };
  }

  async function publish(from: string, name: string, openedAt: number, unique = false) {
    let published = name;
    for (let k = 1; unique && (await fs.exists(pathOf(published, openedAt).path)); k++) {
      published = name.replace(/\.avro$/, '') + `-r${k}.avro`;
    }
    const { dir, path } = pathOf(published, openedAt);
    await fs.mkdir(dir, { recursive: true });
    await fs.rename(from, path);
    await fs.syncDirectory(dir);
    return path;
  }

  return { pathOf, publish };
}
