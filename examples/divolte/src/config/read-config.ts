import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadHocon, type HoconObject, type IncludeReader } from '../hocon';
import { REFERENCE_CONF, referenceConf } from './reference-conf';

/** Options of {@link readDivolteConfig}. */
export interface ReadDivolteConfigOptions {
  /** The user's divolte-collector.conf. */
  file: string;
  /** Environment variables, the fallback of `${…}` substitutions (`${?DIVOLTE_PORT}`). */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Reads a file, or returns undefined when there is none.
   * @default fs.readFileSync (undefined on ENOENT)
   */
  readText?: (path: string) => string | undefined;
}

/** Reads a text file, or undefined when it does not exist. */
export function readTextFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Reads a Divolte configuration as Divolte does: Divolte's reference.conf, then the user's file
 * over it, substitutions resolved over both (with environment variables as their fallback).
 * `include classpath("x")` finds the bundled reference.conf, else `x` beside the including file
 * (Divolte's launcher puts its conf directory on the classpath); `include "x"` and
 * `include file("x")` are relative to the including file.
 * @throws {import('../hocon').HoconError} naming the file and line of what is wrong; `include`
 *   when the user's file itself is missing.
 */
export function readDivolteConfig(options: ReadDivolteConfigOptions): HoconObject {
  const readText = options.readText ?? readTextFile;
  const file = resolve(options.file);
  const include: IncludeReader = (kind, name, from) => {
    if (kind === 'classpath' && name === REFERENCE_CONF) {
      return { text: referenceConf, file: REFERENCE_CONF };
    }
    const base = from === REFERENCE_CONF ? dirname(file) : dirname(from);
    const path = isAbsolute(name) ? name : resolve(base, name);
    const text = readText(path);
    return text === undefined ? undefined : { text, file: path };
  };
  const text = readText(file);
  if (text === undefined) {
    // The same message shape as every other error: where, then what.
    return loadHocon({
      layers: [{ text: `include required(file(${JSON.stringify(file)}))`, file: '<command line>' }],
      include,
      env: options.env,
    });
  }
  return loadHocon({
    layers: [
      { text: referenceConf, file: REFERENCE_CONF },
      { text, file },
    ],
    include,
    env: options.env,
  });
}
