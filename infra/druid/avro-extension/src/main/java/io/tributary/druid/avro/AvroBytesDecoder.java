package io.tributary.druid.avro;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.nio.ByteBuffer;
import org.apache.avro.generic.GenericRecord;

/** Turns the bytes of one stream record into an Avro record. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
public interface AvroBytesDecoder {
  /** Decodes one record; throws an unchecked exception for bytes that are not a record. */
  GenericRecord parse(ByteBuffer bytes);
}
