/**
 * `@tributary/mapping`: Divolte's mapping language in TypeScript. A mapping is declared once
 * against a record schema, checked before the first event and compiled to closures that turn a
 * `ClickEvent` into an Avro record.
 */
export {
  createMapper,
  type FieldsAccepting,
  type Literal,
  type MapperOptions,
  type MapperStats,
  type MapStatement,
  type MappingBuilder,
  type NullableFields,
  type Onto,
  type RecordMapper,
  type When,
} from './create-mapper';
export {
  createDivolteEventMapper,
  createTributaryEventMapper,
  divolteEventMapping,
  tributaryEventMapping,
  type DefaultMapperOptions,
} from './default-mappings';
export { BytesValue, Digester, digest, type DigestInput } from './digest';
export {
  EventParametersValue,
  JsonValueSource,
  eventParameter,
  eventParameters,
  type ParameterName,
} from './event-parameters';
export {
  GeoIpValue,
  ip2geo,
  openGeoIpDatabase,
  type GeoIpDatabase,
  type GeoIpRecord,
} from './geo-ip';
export { compileGroovyMapping, type GroovyMappingOptions } from './groovy-mapping';
export { MappingError, type MappingErrorCode, type ScriptPosition } from './mapping-error';
export {
  MatchValue,
  QueryValue,
  UriValue,
  match,
  parse,
  type Matcher,
  type ParseTarget,
  type ParsedUri,
  type Parser,
  type QueryMap,
} from './parse';
export {
  clientTimestamp,
  cookie,
  corrupt,
  devicePixelRatio,
  doNotTrack,
  duplicate,
  eventId,
  eventType,
  firstInSession,
  globalPrivacyControl,
  header,
  isBot,
  location,
  newParty,
  pageViewId,
  partyId,
  referer,
  referrer,
  remoteHost,
  roundedDevicePixelRatio,
  screenPixelHeight,
  screenPixelWidth,
  sessionId,
  source,
  timestamp,
  userAgentString,
  viewportPixelHeight,
  viewportPixelWidth,
} from './sources';
export { UserAgentValue, userAgent, type UserAgentDetails } from './user-agent';
export {
  BooleanValue,
  ListValue,
  Value,
  not,
  type NumberKind,
  type UnmappableKind,
  type ValueKind,
} from './value';
