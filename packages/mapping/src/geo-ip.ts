import { isIP } from 'node:net';
import { Reader, type CityResponse } from 'mmdb-lib';
import { remoteHost } from './sources';
import { MappingError } from './mapping-error';
import {
  type BooleanValue,
  ListValue,
  Value,
  derive,
  deriveBoolean,
  type ValueKind,
} from './value';

/** What a MaxMind City (or ASN, ISP, Domain) database answers for one address; every part optional. */
export type GeoIpRecord = CityResponse & {
  readonly autonomous_system_number?: number;
  readonly autonomous_system_organization?: string;
  readonly isp?: string;
  readonly organization?: string;
  readonly domain?: string;
};

/**
 * A MaxMind-format database: anything with `get(ip)`. `openGeoIpDatabase(bytes)` makes one from an
 * `.mmdb` file's bytes; the `maxmind` package's `Reader` (which can watch and reload the file, as
 * Divolte does) fits as well.
 */
export interface GeoIpDatabase {
  get(ip: string): GeoIpRecord | null;
}

/** Opens a MaxMind `.mmdb` database (GeoIP2/GeoLite2 City, ASN, ISP, …) from its bytes. */
export function openGeoIpDatabase(bytes: Uint8Array): GeoIpDatabase {
  try {
    const buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Reader<GeoIpRecord>(buffer);
  } catch (error) {
    throw new MappingError(
      'invalid_mapping',
      `openGeoIpDatabase: not a MaxMind database: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

type Part<T, TKind extends ValueKind> = Value<T, TKind>;

const isInt32 = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;

/**
 * The geo lookup of an IP address in the `geoIpDatabase` given to the mapper. It cannot be mapped
 * itself; map one of its parts. Names are English. A part is absent when the address is no IP
 * literal, the database has no entry, or the entry lacks the part.
 */
export class GeoIpValue extends Value<GeoIpRecord, 'geoIp'> {
  /** @internal */
  constructor(source: Value<string, 'string'>, description: string) {
    super(
      'geoIp',
      description,
      (context) => {
        const database = context.geoIpDatabase;
        if (database === undefined) {
          throw new MappingError(
            'missing_geo_database',
            `${description} needs a geoIpDatabase in the mapper options.`,
          );
        }
        const input = Value.producer(source, context);
        return (event) => {
          const address = input(event);
          if (address === undefined || isIP(address) === 0) return undefined;
          try {
            return database.get(address) ?? undefined;
          } catch {
            return undefined;
          }
        };
      },
      { memoize: true },
    );
  }

  // A database is outside input: parts of the wrong type are treated as absent, so a record
  // always validates.
  #string(name: string, read: (record: GeoIpRecord) => string | undefined): Part<string, 'string'> {
    return derive(this, 'string', `.${name}()`, (record) => {
      const value = read(record);
      return typeof value === 'string' ? value : undefined;
    });
  }

  #double(name: string, read: (record: GeoIpRecord) => number | undefined): Part<number, 'double'> {
    return derive(this, 'double', `.${name}()`, (record) => {
      const value = read(record);
      return typeof value === 'number' ? value : undefined;
    });
  }

  #int(name: string, read: (record: GeoIpRecord) => number | undefined): Part<number, 'int'> {
    return derive(this, 'int', `.${name}()`, (record) => {
      const value = read(record);
      return value !== undefined &&
        Number.isInteger(value) &&
        value >= -(2 ** 31) &&
        value < 2 ** 31
        ? value
        : undefined;
    });
  }

  #list<T>(
    itemKind: 'string' | 'int',
    name: string,
    read: (record: GeoIpRecord) => (T | undefined)[] | undefined,
  ): ListValue<T> {
    return new ListValue<T>(itemKind, `${this.description}.${name}()`, (context) => {
      const source = Value.producer(this, context);
      return (event) => {
        const record = source(event);
        const items = record === undefined ? undefined : read(record);
        return items?.filter((item): item is T =>
          itemKind === 'int' ? isInt32(item) : typeof item === 'string',
        );
      };
    });
  }

  /** GeoNames id of the city (int). */
  cityId = (): Part<number, 'int'> => this.#int('cityId', (r) => r.city?.geoname_id);
  /** City name. */
  cityName = (): Part<string, 'string'> => this.#string('cityName', (r) => r.city?.names.en);
  /** Continent code, e.g. `EU`. */
  continentCode = (): Part<string, 'string'> =>
    this.#string('continentCode', (r) => r.continent?.code);
  /** GeoNames id of the continent (int). */
  continentId = (): Part<number, 'int'> => this.#int('continentId', (r) => r.continent?.geoname_id);
  /** Continent name. */
  continentName = (): Part<string, 'string'> =>
    this.#string('continentName', (r) => r.continent?.names.en);
  /** ISO 3166-1 alpha-2 country code. */
  countryCode = (): Part<string, 'string'> =>
    this.#string('countryCode', (r) => r.country?.iso_code);
  /** GeoNames id of the country (int). */
  countryId = (): Part<number, 'int'> => this.#int('countryId', (r) => r.country?.geoname_id);
  /** Country name. */
  countryName = (): Part<string, 'string'> =>
    this.#string('countryName', (r) => r.country?.names.en);
  /** Latitude (double). */
  latitude = (): Part<number, 'double'> => this.#double('latitude', (r) => r.location?.latitude);
  /** Longitude (double). */
  longitude = (): Part<number, 'double'> => this.#double('longitude', (r) => r.location?.longitude);
  /** US metro code (int). */
  metroCode = (): Part<number, 'int'> => this.#int('metroCode', (r) => r.location?.metro_code);
  /** IANA time zone, e.g. `Europe/Amsterdam`. */
  timeZone = (): Part<string, 'string'> => this.#string('timeZone', (r) => r.location?.time_zone);
  /** ISO code of the most specific subdivision. */
  mostSpecificSubdivisionCode = (): Part<string, 'string'> =>
    this.#string('mostSpecificSubdivisionCode', (r) => r.subdivisions?.at(-1)?.iso_code);
  /** GeoNames id of the most specific subdivision (int). */
  mostSpecificSubdivisionId = (): Part<number, 'int'> =>
    this.#int('mostSpecificSubdivisionId', (r) => r.subdivisions?.at(-1)?.geoname_id);
  /** Name of the most specific subdivision. */
  mostSpecificSubdivisionName = (): Part<string, 'string'> =>
    this.#string('mostSpecificSubdivisionName', (r) => r.subdivisions?.at(-1)?.names.en);
  /** ISO code of the least specific (first) subdivision, e.g. a state or province. A Tributary addition. */
  leastSpecificSubdivisionCode = (): Part<string, 'string'> =>
    this.#string('leastSpecificSubdivisionCode', (r) => r.subdivisions?.[0]?.iso_code);
  /** Postal code. */
  postalCode = (): Part<string, 'string'> => this.#string('postalCode', (r) => r.postal?.code);
  /** ISO code of the country the network is registered in. */
  registeredCountryCode = (): Part<string, 'string'> =>
    this.#string('registeredCountryCode', (r) => r.registered_country?.iso_code);
  /** GeoNames id of the registered country (int). */
  registeredCountryId = (): Part<number, 'int'> =>
    this.#int('registeredCountryId', (r) => r.registered_country?.geoname_id);
  /** Name of the registered country. */
  registeredCountryName = (): Part<string, 'string'> =>
    this.#string('registeredCountryName', (r) => r.registered_country?.names.en);
  /** ISO code of the country represented (e.g. by a military base). */
  representedCountryCode = (): Part<string, 'string'> =>
    this.#string('representedCountryCode', (r) => r.represented_country?.iso_code);
  /** GeoNames id of the represented country (int). */
  representedCountryId = (): Part<number, 'int'> =>
    this.#int('representedCountryId', (r) => r.represented_country?.geoname_id);
  /** Name of the represented country. */
  representedCountryName = (): Part<string, 'string'> =>
    this.#string('representedCountryName', (r) => r.represented_country?.names.en);
  /** ISO codes of the subdivisions, least specific first (list of strings). */
  subdivisionCodes = (): ListValue<string> =>
    this.#list<string>('string', 'subdivisionCodes', (r) => r.subdivisions?.map((s) => s.iso_code));
  /** GeoNames ids of the subdivisions (list of ints). */
  subdivisionIds = (): ListValue<number> =>
    this.#list<number>('int', 'subdivisionIds', (r) => r.subdivisions?.map((s) => s.geoname_id));
  /** Names of the subdivisions (list of strings). */
  subdivisionNames = (): ListValue<string> =>
    this.#list<string>('string', 'subdivisionNames', (r) => r.subdivisions?.map((s) => s.names.en));
  /** Autonomous system number (int). */
  autonomousSystemNumber = (): Part<number, 'int'> =>
    this.#int(
      'autonomousSystemNumber',
      (r) => r.traits?.autonomous_system_number ?? r.autonomous_system_number,
    );
  /** Autonomous system organisation. */
  autonomousSystemOrganization = (): Part<string, 'string'> =>
    this.#string(
      'autonomousSystemOrganization',
      (r) => r.traits?.autonomous_system_organization ?? r.autonomous_system_organization,
    );
  /** Domain of the network. */
  domain = (): Part<string, 'string'> =>
    this.#string('domain', (r) => r.traits?.domain ?? r.domain);
  /** Internet service provider. */
  isp = (): Part<string, 'string'> => this.#string('isp', (r) => r.traits?.isp ?? r.isp);
  /** Organisation of the network. */
  organisation = (): Part<string, 'string'> =>
    this.#string('organisation', (r) => r.traits?.organization ?? r.organization);
  /** An anonymous proxy (boolean, false when not set). MaxMind has deprecated this flag. */
  anonymousProxy = (): BooleanValue =>
    deriveBoolean(this, '.anonymousProxy()', (r) => r.traits?.is_anonymous_proxy === true);
  /** A satellite provider (boolean, false when not set). MaxMind has deprecated this flag. */
  satelliteProvider = (): BooleanValue =>
    deriveBoolean(this, '.satelliteProvider()', (r) => r.traits?.is_satellite_provider === true);
}

/**
 * Divolte's `ip2geo()`: the geo lookup of the remote host, or of another string value holding an
 * IP address (`ip2geo(header('X-Client-IP').first())`). Needs `geoIpDatabase` in the mapper options:
 * without it, building the mapping fails.
 * @example
 * map(ip2geo().countryCode()).onto('country');
 */
export function ip2geo(source?: Value<string, 'string'>): GeoIpValue {
  return source === undefined
    ? new GeoIpValue(remoteHost(), 'ip2geo()')
    : new GeoIpValue(source, `ip2geo(${source.description})`);
}
