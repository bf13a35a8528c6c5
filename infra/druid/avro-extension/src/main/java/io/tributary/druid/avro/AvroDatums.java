package io.tributary.druid.avro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

final class AvroDatums {
  private AvroDatums() {}

  /** Reads one datum that must fill the buffer exactly: trailing bytes mean a wrong schema. */
  static GenericRecord read(GenericDatumReader<GenericRecord> reader, ByteBuffer buffer) {
    ByteBuffer bytes = buffer.duplicate();
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);
    return read(reader, array, 0);
  }

  static GenericRecord read(GenericDatumReader<GenericRecord> reader, byte[] array, int offset) {
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(array, offset, array.length - offset, null);
      GenericRecord record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new IllegalArgumentException("the datum is followed by unread bytes (a schema mismatch?)");
      }
      return record;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
