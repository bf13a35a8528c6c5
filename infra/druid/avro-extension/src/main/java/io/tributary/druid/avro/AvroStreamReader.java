package io.tributary.druid.avro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.Iterators;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.druid.data.input.InputEntity;
import org.apache.druid.data.input.InputRow;
import org.apache.druid.data.input.InputRowSchema;
import org.apache.druid.data.input.IntermediateRowParsingReader;
import org.apache.druid.data.input.impl.ByteEntity;
import org.apache.druid.data.input.impl.MapInputRowParser;
import org.apache.druid.java.util.common.CloseableIterators;
import org.apache.druid.java.util.common.parsers.CloseableIterator;
import org.apache.druid.java.util.common.parsers.JSONFlattenerMaker;
import org.apache.druid.java.util.common.parsers.JSONPathSpec;
import org.apache.druid.java.util.common.parsers.ObjectFlattener;
import org.apache.druid.java.util.common.parsers.ObjectFlatteners;
import org.apache.druid.java.util.common.parsers.ParseException;

/** Reads one stream record: decode, convert to plain Java values, flatten, make the row. */
class AvroStreamReader extends IntermediateRowParsingReader<ByteBuffer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InputRowSchema schema;
  private final InputEntity source;
  private final AvroBytesDecoder decoder;
  private final ObjectFlattener<JsonNode> flattener;
  private final boolean binaryAsString;
  private final boolean extractUnionsByType;

  AvroStreamReader(
      InputRowSchema schema,
      InputEntity source,
      AvroBytesDecoder decoder,
      JSONPathSpec flattenSpec,
      boolean binaryAsString,
      boolean extractUnionsByType) {
    this.schema = schema;
    this.source = source;
    this.decoder = decoder;
    this.flattener = ObjectFlatteners.create(flattenSpec, new JSONFlattenerMaker(true, false));
    this.binaryAsString = binaryAsString;
    this.extractUnionsByType = extractUnionsByType;
  }

  @Override
  protected CloseableIterator<ByteBuffer> intermediateRowIterator() throws IOException {
    ByteBuffer bytes;
    if (source instanceof ByteEntity) {
      bytes = ((ByteEntity) source).getBuffer();
    } else {
      try (InputStream in = source.open()) {
        bytes = ByteBuffer.wrap(in.readAllBytes());
      }
    }
    return CloseableIterators.withEmptyBaggage(Iterators.singletonIterator(bytes));
  }

  @Override
  protected InputEntity source() {
    return source;
  }

  @Override
  protected String intermediateRowAsString(ByteBuffer row) {
    ByteBuffer copy = row.duplicate();
    byte[] array = new byte[copy.remaining()];
    copy.get(array);
    return Base64.getEncoder().encodeToString(array);
  }

  @Override
  protected List<InputRow> parseInputRows(ByteBuffer row) throws ParseException {
    return Collections.singletonList(MapInputRowParser.parse(schema, flattener.flatten(tree(row))));
  }

  /**
   * The input row as the sampler shows it. The converted record already is plain Java (maps,
   * lists, strings, numbers, booleans), so it is returned as is. Going through the flattener's
   * {@code toMap} instead fails on every record with an array: Druid's JSON flattener maker turns
   * an array node into a {@code List} first and then hands that list back to its JSON provider,
   * which casts it to {@code ArrayNode} (ClassCastException, reported as "Unable to parse row …
   * into JSON"), so the sampler refused records that ingestion reads fine.
   */
  @Override
  protected List<Map<String, Object>> toMap(ByteBuffer row) {
    return Collections.singletonList(plain(row));
  }

  private JsonNode tree(ByteBuffer row) {
    return JSON.valueToTree(plain(row));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> plain(ByteBuffer row) {
    GenericRecord record;
    try {
      record = decoder.parse(row);
    } catch (RuntimeException e) {
      throw new ParseException(intermediateRowAsString(row), e, "Avro datum could not be decoded: %s", e.getMessage());
    }
    return (Map<String, Object>) convert(record, record.getSchema());
  }

  private Object convert(Object value, Schema type) {
    if (value == null) {
      return null;
    }
    switch (type.getType()) {
      case UNION: {
        int branch = GenericData.get().resolveUnion(type, value);
        Schema member = type.getTypes().get(branch);
        Object converted = convert(value, member);
        long nonNull = type.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).count();
        if (extractUnionsByType && nonNull > 1) {
          return Collections.singletonMap(unionKey(member), converted);
        }
        return converted;
      }
      case RECORD: {
        GenericRecord record = (GenericRecord) value;
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field field : type.getFields()) {
          out.put(field.name(), convert(record.get(field.pos()), field.schema()));
        }
        return out;
      }
      case MAP: {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
          out.put(entry.getKey().toString(), convert(entry.getValue(), type.getValueType()));
        }
        return out;
      }
      case ARRAY: {
        // Null items are dropped, as Druid's own Avro extension does.
        List<Object> out = new ArrayList<>();
        for (Object item : (Iterable<?>) value) {
          if (item != null) {
            out.add(convert(item, type.getElementType()));
          }
        }
        return out;
      }
      case STRING:
      case ENUM:
        return value.toString();
      case BYTES: {
        ByteBuffer copy = ((ByteBuffer) value).duplicate();
        byte[] array = new byte[copy.remaining()];
        copy.get(array);
        return binary(array);
      }
      case FIXED:
        return binary(((GenericFixed) value).bytes());
      default:
        return value; // boolean, int, long, float, double
    }
  }

  private Object binary(byte[] bytes) {
    return binaryAsString ? new String(bytes, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(bytes);
  }

  private static String unionKey(Schema member) {
    switch (member.getType()) {
      case RECORD:
      case ENUM:
      case FIXED:
        return member.getName();
      default:
        return member.getType().getName();
    }
  }
}
