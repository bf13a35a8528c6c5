import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import maxmind, { type CityResponse } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { createMapper } from './create-mapper';
import { ip2geo, openGeoIpDatabase } from './geo-ip';
import { MappingError } from './mapping-error';
import { cookie } from './sources';
import { browserEvent, jsonEvent } from './test-support/events';
import { testGeoDatabase } from './test-support/geo-database';
import { writeMmdb } from './mmdb-writer';
import { evaluate, oneField } from './test-support/harness';

const geoIpDatabase = testGeoDatabase();

describe('ip2geo()', () => {
  const event = browserEvent(); // remote host 81.2.69.160
  const geo = ip2geo();
  const read = <T>(value: Parameters<typeof evaluate<T>>[0], e = event) =>
    evaluate(value, e, { geoIpDatabase });

  it('gives every part of a City record, in English', () => {
    expect(read(geo.cityId())).toBe(2643743);
    expect(read(geo.cityName())).toBe('London');
    expect(read(geo.continentCode())).toBe('EU');
    expect(read(geo.continentId())).toBe(6255148);
    expect(read(geo.continentName())).toBe('Europe');
    expect(read(geo.countryCode())).toBe('GB');
    expect(read(geo.countryId())).toBe(2635167);
    expect(read(geo.countryName())).toBe('United Kingdom');
    expect(read(geo.latitude())).toBe(51.5142);
    expect(read(geo.longitude())).toBe(-0.0931);
    expect(read(geo.metroCode())).toBe(807);
    expect(read(geo.timeZone())).toBe('Europe/London');
    expect(read(geo.mostSpecificSubdivisionCode())).toBe('WBK');
    expect(read(geo.mostSpecificSubdivisionId())).toBe(3333217);
    expect(read(geo.mostSpecificSubdivisionName())).toBe('West Berkshire');
    expect(read(geo.leastSpecificSubdivisionCode())).toBe('ENG');
    expect(read(geo.postalCode())).toBe('EC2V');
    expect(read(geo.registeredCountryCode())).toBe('FR');
    expect(read(geo.registeredCountryId())).toBe(3017382);
    expect(read(geo.registeredCountryName())).toBe('France');
    expect(read(geo.representedCountryCode())).toBe('US');
    expect(read(geo.representedCountryId())).toBe(6252001);
    expect(read(geo.representedCountryName())).toBe('United States');
    expect(read(geo.subdivisionCodes())).toEqual(['ENG', 'WBK']);
    expect(read(geo.subdivisionIds())).toEqual([6269131, 3333217]);
    expect(read(geo.subdivisionNames())).toEqual(['England', 'West Berkshire']);
    expect(read(geo.autonomousSystemNumber())).toBe(1239);
    expect(read(geo.autonomousSystemOrganization())).toBe('Linkem IR WiMax Network');
    expect(read(geo.domain())).toBe('example.com');
    expect(read(geo.isp())).toBe('Andrews & Arnold Ltd');
    expect(read(geo.organisation())).toBe('STONEHOUSE office network');
    expect(read(geo.anonymousProxy())).toBe(true);
    expect(read(geo.satelliteProvider())).toBe(false);
  });

  it('looks up IPv6 and leaves missing parts absent', () => {
    const v6 = jsonEvent();
    expect(read(geo.countryCode(), v6)).toBe('NL');
    expect(read(geo.timeZone(), v6)).toBe('Europe/Amsterdam');
    expect(read(geo.cityName(), v6)).toBeNull();
    expect(read(geo.subdivisionCodes(), v6)).toBeNull();
    expect(read(geo.anonymousProxy(), v6)).toBe(false);
  });

  it('is absent for an address not in the database, or not an IP at all', () => {
    const unknown = browserEvent({ request: { ...event.request, remoteAddress: '192.0.2.1' } });
    expect(read(geo.countryCode(), unknown)).toBeNull();
    expect(read(geo.isPresent(), unknown)).toBe(false);
    const notIp = browserEvent({ request: { ...event.request, remoteAddress: 'localhost' } });
    expect(read(geo.countryCode(), notIp)).toBeNull();
  });

  it('looks up another string value', () => {
    const fromCookie = ip2geo(cookie('ip'));
    const e = browserEvent({ request: { ...event.request, cookies: { ip: '2001:db8::7' } } });
    expect(fromCookie.description).toBe('ip2geo(cookie("ip"))');
    expect(read(fromCookie.countryCode(), e)).toBe('NL');
  });

  it('fails to build without a database, naming the value', () => {
    const build = () =>
      createMapper({
        schema: oneField(['null', 'string']),
        mapping: ({ map }) => {
          map(ip2geo().countryCode()).onto('out');
        },
      });
    expect(build).toThrow(MappingError);
    expect(build).toThrow(expect.objectContaining({ code: 'missing_geo_database' }));
    expect(build).toThrow(/ip2geo\(\)/);
  });

  it('treats a throwing database as absent, and rejects bytes that are no database', () => {
    const broken = {
      get(): never {
        throw new Error('closed');
      },
    };
    expect(evaluate(ip2geo().countryCode(), event, { geoIpDatabase: broken })).toBeNull();
    expect(() => openGeoIpDatabase(new Uint8Array([1, 2, 3]))).toThrow(MappingError);
  });
});

describe('ip2geo() with a database of unexpected shape', () => {
  it('treats parts of the wrong type as absent, so records stay valid', () => {
    const odd = {
      get: () =>
        ({
          country: { iso_code: 42, geoname_id: 'x', names: { en: null } },
          location: { latitude: '52', longitude: 4.9, metro_code: 2 ** 40 },
          subdivisions: [
            { iso_code: 'NH', geoname_id: 2 ** 33 },
            { iso_code: 7, geoname_id: 5 },
          ],
          traits: { is_anonymous_proxy: 1 },
        }) as never,
    };
    const event = browserEvent();
    const geo = ip2geo();
    const read = <T>(value: Parameters<typeof evaluate<T>>[0]) =>
      evaluate(value, event, { geoIpDatabase: odd });
    expect(read(geo.countryCode())).toBeNull();
    expect(read(geo.countryId())).toBeNull();
    expect(read(geo.countryName())).toBeNull();
    expect(read(geo.latitude())).toBeNull();
    expect(read(geo.longitude())).toBe(4.9);
    expect(read(geo.metroCode())).toBeNull();
    expect(read(geo.subdivisionCodes())).toEqual(['NH']);
    expect(read(geo.subdivisionIds())).toEqual([5]);
    expect(read(geo.anonymousProxy())).toBe(false);
  });
});

describe('ip2geo() with the maxmind package', () => {
  it("accepts maxmind's Reader (which can watch and reload the file) as the database", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-mmdb-'));
    try {
      const file = join(dir, 'City.mmdb');
      await writeFile(
        file,
        writeMmdb([
          {
            network: '81.2.69.0/24',
            data: { country: { iso_code: 'GB', geoname_id: 1, names: { en: 'United Kingdom' } } },
          },
        ]),
      );
      const reader = await maxmind.open<CityResponse>(file);
      expect(evaluate(ip2geo().countryCode(), browserEvent(), { geoIpDatabase: reader })).toBe(
        'GB',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
