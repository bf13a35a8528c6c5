// The demo's GeoIP database. Production opens MaxMind's GeoLite2-City or GeoIP2-City .mmdb; this
// example writes a tiny one in memory that maps the synthetic visitors' address ranges to
// countries. The ranges are reserved (198.18.0.0/15 is for benchmarking, 2001:db8::/32 for
// documentation), so no real visitor can ever be mistaken for one.
import { openGeoIpDatabase, type GeoIpDatabase } from '@tributary/mapping';
import { writeMmdb } from '@tributary/mapping/testing';

/** A country of the demo database and the network its visitors come from. */
export interface DemoCountry {
  readonly code: string;
  readonly name: string;
  readonly network: string;
  /** Where the visitors' addresses start: the network's first usable address without its host part. */
  readonly addressPrefix: string;
  readonly timeZone: string;
}

export const DEMO_COUNTRIES: readonly DemoCountry[] = [
  {
    code: 'NL',
    name: 'Netherlands',
    network: '198.18.1.0/24',
    addressPrefix: '198.18.1.',
    timeZone: 'Europe/Amsterdam',
  },
  {
    code: 'DE',
    name: 'Germany',
    network: '198.18.2.0/24',
    addressPrefix: '198.18.2.',
    timeZone: 'Europe/Berlin',
  },
  {
    code: 'US',
    name: 'United States',
    network: '198.18.3.0/24',
    addressPrefix: '198.18.3.',
    timeZone: 'America/New_York',
  },
  {
    code: 'GB',
    name: 'United Kingdom',
    network: '198.18.4.0/24',
    addressPrefix: '198.18.4.',
    timeZone: 'Europe/London',
  },
  {
    code: 'BR',
    name: 'Brazil',
    network: '198.18.5.0/24',
    addressPrefix: '198.18.5.',
    timeZone: 'America/Sao_Paulo',
  },
  {
    code: 'JP',
    name: 'Japan',
    network: '2001:db8:5::/48',
    addressPrefix: '2001:db8:5::',
    timeZone: 'Asia/Tokyo',
  },
];

/** Addresses outside every demo network: visitors whose country is unknown. */
export const UNKNOWN_ADDRESS_PREFIX = '198.19.0.';

/** The `.mmdb` bytes of the demo database (written to the output directory for inspection). */
export function demoGeoIpBytes(): Buffer {
  return writeMmdb(
    DEMO_COUNTRIES.map((country) => ({
      network: country.network,
      data: {
        country: { iso_code: country.code, names: { en: country.name } },
        location: { time_zone: country.timeZone },
      },
    })),
    { description: 'Tributary dkd-stack demo (synthetic address ranges)' },
  );
}

/** The demo database, opened as the mapping's `geoIpDatabase`. */
export function demoGeoIpDatabase(bytes: Uint8Array = demoGeoIpBytes()): GeoIpDatabase {
  return openGeoIpDatabase(bytes);
}
