import { murmur3x64_128 } from './murmur3-128';

/** The tracker script, ready to serve: the bytes, their gzip form and an ETag for each. */
export interface ScriptAsset {
  readonly identity: Uint8Array;
  readonly etag: string;
  /** Compressed once, lazily, with the platform's CompressionStream; undefined where there is none. */
  gzip(): Promise<Uint8Array | undefined>;
  readonly gzipEtag: string;
}

async function compress(bytes: Uint8Array): Promise<Uint8Array | undefined> {
  if (typeof CompressionStream === 'undefined') return undefined;
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function createScriptAsset(source: Uint8Array | string): ScriptAsset {
  const identity = typeof source === 'string' ? new TextEncoder().encode(source) : source.slice();
  // A content hash, so every instance behind a load balancer gives the same ETag.
  let hex = '';
  for (const byte of murmur3x64_128(identity)) hex += byte.toString(16).padStart(2, '0');
  let gzip: Promise<Uint8Array | undefined> | undefined;
  return {
    identity,
    etag: `"${hex}"`,
    gzipEtag: `"${hex}-gzip"`,
    gzip() {
      gzip ??= compress(identity).catch(() => undefined);
      return gzip;
    },
  };
}
