import { Reader } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { openGeoIpDatabase } from './geo-ip';
import { MappingError } from './mapping-error';
import { writeMmdb } from './testing';

describe('writeMmdb (@tributary/mapping/testing)', () => {
  it('writes IPv4 and IPv6 networks that MaxMind readers look up', () => {
    const bytes = writeMmdb(
      [
        { network: '198.18.1.0/24', data: { country: { iso_code: 'NL' } } },
        { network: '198.18.2.0/25', data: { country: { iso_code: 'DE' }, list: [1, -2, 2.5] } },
        { network: '2001:db8::/32', data: { country: { iso_code: 'FR' } } },
      ],
      { description: 'demo' },
    );
    const geo = openGeoIpDatabase(bytes);
    expect(geo.get('198.18.1.77')?.country?.iso_code).toBe('NL');
    expect(geo.get('198.18.2.1')).toEqual({ country: { iso_code: 'DE' }, list: [1, -2, 2.5] });
    expect(geo.get('198.18.2.200')).toBeNull();
    expect(geo.get('2001:db8:1::5')?.country?.iso_code).toBe('FR');
    expect(geo.get('203.0.113.1')).toBeNull();
    const reader = new Reader(bytes);
    expect(reader.metadata.description).toEqual({ en: 'demo' });
    expect(reader.metadata.databaseType).toBe('GeoIP2-City');
  });

  it('refuses malformed and overlapping networks with a MappingError', () => {
    const nl = { country: { iso_code: 'NL' } };
    for (const networks of [
      [{ network: 'nowhere/24', data: nl }],
      [{ network: '198.18.1.0', data: nl }],
      [{ network: '198.18.1.0/33', data: nl }],
      [
        { network: '198.18.0.0/16', data: nl },
        { network: '198.18.1.0/24', data: nl },
      ],
      [
        { network: '198.18.1.0/24', data: nl },
        { network: '198.18.0.0/16', data: nl },
      ],
      [
        { network: '198.18.1.0/24', data: nl },
        { network: '198.18.1.0/24', data: nl },
      ],
    ]) {
      expect(() => writeMmdb(networks)).toThrow(MappingError);
    }
  });
});
