// Bundles @tributary/schema/protocol alone for the browser, as a tag's bundler would, and reports
// what it costs: minified and gzip -9 bytes, for the whole subpath and for what a tag uses.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;

/** Bundles `code` (an ES module importing the protocol) and returns its size and inputs. */
export async function bundleProtocol(code) {
  const result = await build({
    stdin: { contents: code, resolveDir: root, loader: 'ts' },
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0].contents;
  const [meta] = Object.values(result.metafile.outputs);
  return {
    minified: output.length,
    gzip: gzipSync(output, { level: 9 }).length,
    // The modules that contribute code to the output, not every module read.
    inputs: Object.entries(meta.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([input]) => input),
    text: result.outputFiles[0].text,
  };
}

export const WHOLE = `export * from './src/protocol/index.ts';`;
export const TAG_SUBSET = `export { encodeEventQuery, encodeEventBatch, createIdentifier, createPageViewId, createEventId } from './src/protocol/index.ts';`;

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, code] of [
    ['whole subpath', WHOLE],
    ['tag subset', TAG_SUBSET],
  ]) {
    const { minified, gzip } = await bundleProtocol(code);
    console.log(`@tributary/schema/protocol (${name}): ${minified} B minified, ${gzip} B gzip -9`);
  }
}
