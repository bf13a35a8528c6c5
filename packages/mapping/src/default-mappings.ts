import {
  divolteEventRecord,
  tributaryEventRecord,
  type DivolteEventRecord,
  type TributaryEventRecord,
} from '@tributary/schema';
import {
  createMapper,
  type MapperOptions,
  type MappingBuilder,
  type RecordMapper,
} from './create-mapper';
import { eventParameters } from './event-parameters';
import { ip2geo } from './geo-ip';
import { parse } from './parse';
import {
  clientTimestamp,
  corrupt,
  devicePixelRatio,
  duplicate,
  eventId,
  eventType,
  firstInSession,
  isBot,
  location,
  newParty,
  pageViewId,
  partyId,
  referer,
  remoteHost,
  screenPixelHeight,
  screenPixelWidth,
  sessionId,
  source,
  timestamp,
  userAgentString,
  viewportPixelHeight,
  viewportPixelWidth,
} from './sources';
import { userAgent } from './user-agent';

/**
 * Divolte's built-in mapping onto `DefaultEventRecord`, statement for statement as Divolte's Java
 * default mapping: flags, times, remote host, page data, ids, event type and the user agent with
 * its uadetector-named parts (derived from ua-parser-js, see docs/mapping.md).
 */
export function divolteEventMapping({ map }: MappingBuilder<DivolteEventRecord>): void {
  map(corrupt()).onto('detectedCorruption');
  map(duplicate()).onto('detectedDuplicate');
  map(firstInSession()).onto('firstInSession');
  map(timestamp()).onto('timestamp');
  map(clientTimestamp()).onto('clientTimestamp');
  map(remoteHost()).onto('remoteHost');
  map(referer()).onto('referer');
  map(location()).onto('location');
  map(viewportPixelWidth()).onto('viewportPixelWidth');
  map(viewportPixelHeight()).onto('viewportPixelHeight');
  map(screenPixelWidth()).onto('screenPixelWidth');
  map(screenPixelHeight()).onto('screenPixelHeight');
  map(partyId()).onto('partyId');
  map(sessionId()).onto('sessionId');
  map(pageViewId()).onto('pageViewId');
  map(eventType()).onto('eventType');
  map(userAgentString()).onto('userAgentString');
  const agent = userAgent();
  map(agent.name()).onto('userAgentName');
  map(agent.family()).onto('userAgentFamily');
  map(agent.vendor()).onto('userAgentVendor');
  map(agent.type()).onto('userAgentType');
  map(agent.version()).onto('userAgentVersion');
  map(agent.deviceCategory()).onto('userAgentDeviceCategory');
  map(agent.osFamily()).onto('userAgentOsFamily');
  map(agent.osVersion()).onto('userAgentOsVersion');
  map(agent.osVendor()).onto('userAgentOsVendor');
}

/**
 * The mapping onto Tributary's default record: every field, with `utm_*` from the page URL's
 * query, the event parameters as JSON text, ua-parser-js's own user-agent parts, the collector's
 * bot verdict, and geo fields when the mapper has a geo database.
 */
export function tributaryEventMapping({
  map,
  hasGeoIpDatabase,
}: MappingBuilder<TributaryEventRecord>): void {
  map(timestamp()).onto('timestamp');
  map(clientTimestamp()).onto('clientTimestamp');
  map(eventId()).onto('eventId');
  map(eventType()).onto('eventType');
  map(source()).onto('source');
  map(partyId()).onto('partyId');
  map(sessionId()).onto('sessionId');
  map(pageViewId()).onto('pageViewId');
  map(newParty()).onto('newParty');
  map(firstInSession()).onto('firstInSession');
  map(corrupt()).onto('detectedCorruption');
  map(duplicate()).onto('detectedDuplicate');
  map(isBot()).onto('isBot');
  map(location()).onto('location');
  map(referer()).onto('referrer');
  const query = parse(location()).to('uri').query();
  map(query.value('utm_source')).onto('utmSource');
  map(query.value('utm_medium')).onto('utmMedium');
  map(query.value('utm_campaign')).onto('utmCampaign');
  map(query.value('utm_term')).onto('utmTerm');
  map(query.value('utm_content')).onto('utmContent');
  map(viewportPixelWidth()).onto('viewportPixelWidth');
  map(viewportPixelHeight()).onto('viewportPixelHeight');
  map(screenPixelWidth()).onto('screenPixelWidth');
  map(screenPixelHeight()).onto('screenPixelHeight');
  map(devicePixelRatio()).onto('devicePixelRatio');
  map(eventParameters().toJson()).onto('eventParameters');
  map(remoteHost()).onto('remoteHost');
  map(userAgentString()).onto('userAgentString');
  const agent = userAgent();
  map(agent.browserName()).onto('browserName');
  map(agent.browserVersion()).onto('browserVersion');
  map(agent.osName()).onto('osName');
  map(agent.osVersionName()).onto('osVersion');
  map(agent.deviceType()).onto('deviceType');
  map(agent.deviceVendor()).onto('deviceVendor');
  map(agent.deviceModel()).onto('deviceModel');
  if (hasGeoIpDatabase) {
    const geo = ip2geo();
    map(geo.countryCode()).onto('geoCountryCode');
    map(geo.leastSpecificSubdivisionCode()).onto('geoSubdivisionCode');
    map(geo.cityName()).onto('geoCityName');
    map(geo.latitude()).onto('geoLatitude');
    map(geo.longitude()).onto('geoLongitude');
    map(geo.timeZone()).onto('geoTimeZone');
  }
}

/** Options of the built-in mappers: those of {@link createMapper} without schema and mapping. */
export type DefaultMapperOptions<TRecord> = Omit<MapperOptions<TRecord>, 'schema' | 'mapping'>;

/** A mapper onto Divolte's `DefaultEventRecord` with Divolte's default mapping. */
export function createDivolteEventMapper(
  options: DefaultMapperOptions<DivolteEventRecord> = {},
): RecordMapper<DivolteEventRecord> {
  return createMapper({ ...options, schema: divolteEventRecord, mapping: divolteEventMapping });
}

/** A mapper onto Tributary's default record; pass `geoIpDatabase` to fill the geo fields. */
export function createTributaryEventMapper(
  options: DefaultMapperOptions<TributaryEventRecord> = {},
): RecordMapper<TributaryEventRecord> {
  return createMapper({ ...options, schema: tributaryEventRecord, mapping: tributaryEventMapping });
}
