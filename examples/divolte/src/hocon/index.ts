// A small HOCON reader with the origin (file:line) of every value, for Divolte's configuration
// files. Why not a library from npm: @pushcorn/hocon-parser 1.3.1 fails on `include classpath(…)`
// (13 of Divolte's 36 test configurations) and hocon-parser 1.0.1 on `${?ENV}` (reference.conf
// itself); neither tells where a value came from, and a bad value must be named with its line.
export { HoconError, type HoconErrorCode, type Origin } from './hocon-error';
export { parseHocon, type IncludeReader } from './parse';
export { resolveHocon } from './resolve';
export type { HoconArray, HoconObject, HoconScalar, HoconValue } from './values';
import { parseHocon, type IncludeReader } from './parse';
import { resolveHocon } from './resolve';
import type { HoconObject } from './values';

/** Options of {@link loadHocon}. */
export interface LoadHoconOptions {
  /** The texts to read, each over the ones before it (a reference.conf first, then the user's file). */
  layers: readonly { readonly text: string; readonly file: string }[];
  /** Finds included files and resources. */
  include: IncludeReader;
  /** Environment variables, the fallback of substitutions. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Reads HOCON layers into one resolved object.
 * @throws {import('./hocon-error').HoconError} with the file and line of what is wrong.
 */
export function loadHocon(options: LoadHoconOptions): HoconObject {
  const root: HoconObject = {
    kind: 'object',
    fields: new Map(),
    origin: { file: options.layers[0]?.file ?? '<none>', line: 1 },
  };
  for (const layer of options.layers) parseHocon(layer.text, layer.file, root, options.include);
  resolveHocon(root, options.env);
  return root;
}
