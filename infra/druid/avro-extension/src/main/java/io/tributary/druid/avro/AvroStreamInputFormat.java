package io.tributary.druid.avro;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.File;
import java.util.Objects;
import org.apache.druid.data.input.InputEntity;
import org.apache.druid.data.input.InputEntityReader;
import org.apache.druid.data.input.InputRowSchema;
import org.apache.druid.data.input.impl.NestedInputFormat;
import org.apache.druid.java.util.common.parsers.JSONPathSpec;

/**
 * {@code avro_stream}: one Avro record per stream record, decoded by {@code avroBytesDecoder}.
 * Values reach Druid as Druid's Avro extension hands them over: strings and enum symbols as
 * strings, a {@code ["null", T]} union as its value or null, booleans as booleans, numbers as
 * numbers, bytes and fixed as base64 (or UTF-8 with {@code binaryAsString}), records and maps as
 * maps, arrays as lists without their null items. Only simple root fields are discovered; nested
 * ones need a flattenSpec path or a json dimension.
 */
public class AvroStreamInputFormat extends NestedInputFormat {
  private final AvroBytesDecoder avroBytesDecoder;
  private final boolean binaryAsString;
  private final boolean extractUnionsByType;

  @JsonCreator
  public AvroStreamInputFormat(
      @JsonProperty("flattenSpec") JSONPathSpec flattenSpec,
      @JsonProperty("avroBytesDecoder") AvroBytesDecoder avroBytesDecoder,
      @JsonProperty("binaryAsString") Boolean binaryAsString,
      @JsonProperty("extractUnionsByType") Boolean extractUnionsByType) {
    super(flattenSpec);
    this.avroBytesDecoder = Objects.requireNonNull(avroBytesDecoder, "avro_stream needs avroBytesDecoder");
    this.binaryAsString = binaryAsString != null && binaryAsString;
    this.extractUnionsByType = extractUnionsByType != null && extractUnionsByType;
  }

  @JsonProperty
  public AvroBytesDecoder getAvroBytesDecoder() {
    return avroBytesDecoder;
  }

  @JsonProperty
  public boolean getBinaryAsString() {
    return binaryAsString;
  }

  @JsonProperty
  public boolean isExtractUnionsByType() {
    return extractUnionsByType;
  }

  @Override
  public boolean isSplittable() {
    return false;
  }

  @Override
  public InputEntityReader createReader(InputRowSchema schema, InputEntity source, File temporaryDirectory) {
    return new AvroStreamReader(schema, source, avroBytesDecoder, getFlattenSpec(), binaryAsString, extractUnionsByType);
  }
}
