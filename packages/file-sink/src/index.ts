/**
 * `@tributary/file-sink`: a `Sink` that writes records to rolling Avro object container
 * files, synced with fsync, published by atomic rename and recovered after a crash.
 */
export {
  createFileSink,
  type FileSink,
  type FileSinkMetrics,
  type FileSinkOptions,
  type FileSinkScheduler,
} from './file-sink';
export { FileSinkError, type FileSinkErrorCode } from './file-sink-error';
export { nodeFileSystem, type FileSinkFileHandle, type FileSinkFileSystem } from './file-system';
export type { AvroCodec } from './internal/container';
export type { SubdirectoryLayout } from './internal/file-names';
