import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  compileGroovyMapping,
  createDivolteEventMapper,
  openGeoIpDatabase,
  type GeoIpDatabase,
  type RecordMapper,
} from '@tributary/mapping';
import {
  divolteEventRecord,
  type AvroRecordSchema,
  type Logger,
  type RecordDeclaration,
} from '@tributary/schema';
import type { ConfiguredPath, MapperSettings, MappingSettings } from '../config/divolte-settings';
import { DivolteServerError } from './divolte-server-error';
import { parseSchemaText } from './schema-text';

/** A mapping ready to run: its mapper, its schema and Divolte's discard switches. */
export interface RunningMapping {
  readonly settings: MappingSettings;
  readonly mapper: RecordMapper<Record<string, unknown>>;
  readonly schema: RecordDeclaration<unknown> | AvroRecordSchema;
}

/** Options of {@link createMappings}. */
export interface CreateMappingsOptions {
  readonly mappings: readonly MappingSettings[];
  readonly mapper: MapperSettings;
  /** Reads a file's bytes. */
  readonly readFile: (path: string) => Uint8Array;
  readonly logger: Logger;
}

/**
 * Locates a configured file: relative to the working directory, as Divolte does; when nothing is
 * there, relative to the configuration file that names it (so a configuration runs from any
 * directory).
 */
export function locate(configured: ConfiguredPath): string {
  if (isAbsolute(configured.path)) return configured.path;
  const fromCwd = resolve(configured.path);
  if (existsSync(fromCwd)) return fromCwd;
  const besideConfig = resolve(dirname(configured.origin.file), configured.path);
  return existsSync(besideConfig) ? besideConfig : fromCwd;
}

/**
 * Builds each mapping: the Groovy script onto its schema with `compileGroovyMapping`, or Divolte's
 * built-in mapping onto DefaultEventRecord (without a script Divolte ignores `schema_file`).
 * @throws {DivolteServerError} `invalid_file` naming the setting's file and line, and the
 *   script's own position for an error in the script.
 */
export function createMappings(options: CreateMappingsOptions): RunningMapping[] {
  const { mapper, logger } = options;
  const read = (configured: ConfiguredPath, key: string): { path: string; bytes: Uint8Array } => {
    const path = locate(configured);
    try {
      return { path, bytes: options.readFile(path) };
    } catch (error) {
      throw DivolteServerError.at(
        configured.origin,
        key,
        `cannot read ${path}: ${String(error)}`,
        error,
      );
    }
  };
  let geoIpDatabase: GeoIpDatabase | undefined;
  if (mapper.ip2geoDatabase !== undefined) {
    const configured = mapper.ip2geoDatabase;
    const { path, bytes } = read(configured, 'divolte.global.mapper.ip2geo_database');
    try {
      geoIpDatabase = openGeoIpDatabase(bytes);
    } catch (error) {
      throw DivolteServerError.at(
        configured.origin,
        'divolte.global.mapper.ip2geo_database',
        `${path} is not a MaxMind database: ${String(error)}`,
        error,
      );
    }
  }
  return options.mappings.map((settings) => {
    const key = `divolte.mappings.${settings.name}`;
    const onError = (issues: readonly unknown[]): void => {
      logger.warn(`mapping ${settings.name}: an event failed to map`, { issues });
    };
    const shared = {
      ...(geoIpDatabase === undefined ? {} : { geoIpDatabase }),
      userAgentCacheSize: mapper.userAgentCacheSize,
      onError,
    };
    if (settings.mappingScriptFile === undefined) {
      const built = createDivolteEventMapper(shared) as unknown as RecordMapper<
        Record<string, unknown>
      >;
      return { settings, mapper: built, schema: divolteEventRecord as RecordDeclaration<unknown> };
    }
    const scriptFile = settings.mappingScriptFile;
    if (settings.schemaFile === undefined) {
      throw DivolteServerError.at(
        scriptFile.origin,
        `${key}.schema_file`,
        'a mapping_script_file needs the schema_file it maps onto',
      );
    }
    const schemaFile = read(settings.schemaFile, `${key}.schema_file`);
    let schema: AvroRecordSchema;
    try {
      schema = parseSchemaText(new TextDecoder().decode(schemaFile.bytes)) as AvroRecordSchema;
    } catch (error) {
      throw DivolteServerError.at(
        settings.schemaFile.origin,
        `${key}.schema_file`,
        `${schemaFile.path} is not JSON: ${String(error)}`,
        error,
      );
    }
    if (typeof schema !== 'object' || (schema as unknown) === null || schema.type !== 'record') {
      throw DivolteServerError.at(
        settings.schemaFile.origin,
        `${key}.schema_file`,
        `${schemaFile.path} is not an Avro record schema`,
      );
    }
    const script = read(scriptFile, `${key}.mapping_script_file`);
    try {
      const built = compileGroovyMapping({
        script: new TextDecoder().decode(script.bytes),
        schema,
        fileName: script.path,
        ...shared,
      });
      return { settings, mapper: built, schema };
    } catch (error) {
      // The mapping package's message starts with the script's file:line:column.
      throw new DivolteServerError(
        'invalid_file',
        `${scriptFile.origin.file}:${scriptFile.origin.line}: ${key}.mapping_script_file: ${(error as Error).message}`,
        { cause: error },
      );
    }
  });
}
