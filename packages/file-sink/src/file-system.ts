import * as fsp from 'node:fs/promises';

/** The file operations the sink uses on one open file: a subset of Node's `FileHandle`. */
export interface FileSinkFileHandle {
  /** Writes `buffers` at `position`; may write fewer bytes than asked. */
  writev(buffers: Uint8Array[], position: number): Promise<{ bytesWritten: number }>;
  /** Reads into `buffer` from `position`. */
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  /** Makes the written data durable (`fdatasync`). */
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

/**
 * The file system the sink uses, injectable for tests (fault injection) or other backends. The
 * default, {@link nodeFileSystem}, is Node's `fs/promises`. `rename` must be atomic, so the working
 * and publish directories should be on the same file system.
 */
export interface FileSinkFileSystem {
  /** `wx` creates a new file and fails with `EEXIST` if it exists; `r+` opens one for recovery. */
  open(path: string, flags: 'wx' | 'r+'): Promise<FileSinkFileHandle>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Whether a path exists. */
  exists(path: string): Promise<boolean>;
  /** Makes a directory's entries durable (fsync of the directory); a no-op where unsupported. */
  syncDirectory(path: string): Promise<void>;
}

/** Node's `fs/promises` as a {@link FileSinkFileSystem}. */
export const nodeFileSystem: FileSinkFileSystem = {
  open: (path, flags) => fsp.open(path, flags),
  readdir: (path) => fsp.readdir(path),
  mkdir: (path, options) => fsp.mkdir(path, options),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  exists: async (path) => {
    try {
      await fsp.lstat(path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  },
  syncDirectory: async (path) => {
    const handle = await fsp.open(path, 'r');
    try {
      await handle.sync();
    } catch (error) {
      // Some file systems cannot fsync a directory; their renames are as durable as they get.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
    } finally {
      await handle.close();
    }
  },
};
