package io.tributary.druid.avro;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/** {@code schema_inline}: each record is a bare Avro binary datum of the one schema in the spec. */
public class InlineSchemaDecoder implements AvroBytesDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Object> schemaJson;
  private final Schema schema;
  private final GenericDatumReader<GenericRecord> reader;

  @JsonCreator
  public InlineSchemaDecoder(@JsonProperty("schema") Map<String, Object> schema) throws IOException {
    this.schemaJson = Objects.requireNonNull(schema, "schema_inline needs a schema");
    this.schema = new Schema.Parser().parse(JSON.writeValueAsString(schema));
    this.reader = new GenericDatumReader<>(this.schema);
  }

  @JsonProperty("schema")
  public Map<String, Object> getSchema() {
    return schemaJson;
  }

  @Override
  public GenericRecord parse(ByteBuffer bytes) {
    return AvroDatums.read(reader, bytes);
  }
}
