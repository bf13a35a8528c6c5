import { avro, defineRecord, field, type InferRecord } from '../record-declaration';

const optionalString = () => avro.nullable(avro.string());
const optionalInt = () => avro.nullable(avro.int());

/**
 * Divolte's `io.divolte.record.DefaultEventRecord` (divolte-schema 0.9.0), field for field, so
 * consumers and Druid specs written for Divolte read Tributary's records unchanged.
 */
export const divolteEventRecord = defineRecord({
  name: 'DefaultEventRecord',
  namespace: 'io.divolte.record',
  fields: {
    detectedDuplicate: avro.boolean(),
    detectedCorruption: avro.boolean(),
    firstInSession: avro.boolean(),
    timestamp: avro.long(),
    clientTimestamp: avro.long(),
    remoteHost: avro.string(),
    referer: optionalString(),
    location: optionalString(),
    viewportPixelWidth: optionalInt(),
    viewportPixelHeight: optionalInt(),
    screenPixelWidth: optionalInt(),
    screenPixelHeight: optionalInt(),
    partyId: optionalString(),
    sessionId: optionalString(),
    pageViewId: optionalString(),
    eventType: field(avro.string(), { default: 'unknown' }),
    userAgentString: optionalString(),
    userAgentName: optionalString(),
    userAgentFamily: optionalString(),
    userAgentVendor: optionalString(),
    userAgentType: optionalString(),
    userAgentVersion: optionalString(),
    userAgentDeviceCategory: optionalString(),
    userAgentOsFamily: optionalString(),
    userAgentOsVersion: optionalString(),
    userAgentOsVendor: optionalString(),
  },
});

/** A record of Divolte's DefaultEventRecord schema. */
export type DivolteEventRecord = InferRecord<typeof divolteEventRecord>;
