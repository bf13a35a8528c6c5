import { openGeoIpDatabase, type GeoIpDatabase } from '../geo-ip';
import { writeMmdb } from '../mmdb-writer';

/** A small City database: London (81.2.69.0/24) with every part, and one IPv6 network. */
export function testGeoDatabase(): GeoIpDatabase {
  return openGeoIpDatabase(
    writeMmdb([
      {
        network: '81.2.69.0/24',
        data: {
          city: { geoname_id: 2643743, names: { en: 'London', de: 'London' } },
          continent: { code: 'EU', geoname_id: 6255148, names: { en: 'Europe' } },
          country: { iso_code: 'GB', geoname_id: 2635167, names: { en: 'United Kingdom' } },
          registered_country: { iso_code: 'FR', geoname_id: 3017382, names: { en: 'France' } },
          represented_country: {
            iso_code: 'US',
            geoname_id: 6252001,
            names: { en: 'United States' },
            type: 'military',
          },
          location: {
            accuracy_radius: 10,
            latitude: 51.5142,
            longitude: -0.0931,
            metro_code: 807,
            time_zone: 'Europe/London',
          },
          postal: { code: 'EC2V' },
          subdivisions: [
            { iso_code: 'ENG', geoname_id: 6269131, names: { en: 'England' } },
            { iso_code: 'WBK', geoname_id: 3333217, names: { en: 'West Berkshire' } },
          ],
          traits: {
            autonomous_system_number: 1239,
            autonomous_system_organization: 'Linkem IR WiMax Network',
            domain: 'example.com',
            isp: 'Andrews & Arnold Ltd',
            organization: 'STONEHOUSE office network',
            is_anonymous_proxy: true,
            is_satellite_provider: false,
          },
        },
      },
      {
        network: '2001:db8::/32',
        data: {
          country: { iso_code: 'NL', geoname_id: 2750405, names: { en: 'Netherlands' } },
          location: {
            accuracy_radius: 100,
            latitude: 52.3824,
            longitude: 4.8995,
            time_zone: 'Europe/Amsterdam',
          },
        },
      },
    ]),
  );
}
