package io.tributary.druid.avro;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.google.inject.Binder;
import java.util.Collections;
import java.util.List;
import org.apache.druid.initialization.DruidModule;

/**
 * Registers the {@code avro_stream} input format and its {@code schema_inline} and
 * {@code schema_registry} decoders, with the JSON shape of Druid's druid-avro-extensions, for
 * Druid builds assembled from a Maven Central that does not serve that extension.
 */
public class AvroStreamModule implements DruidModule {
  @Override
  public List<? extends Module> getJacksonModules() {
    return Collections.singletonList(
        new SimpleModule("TributaryAvroStreamModule")
            .registerSubtypes(
                new NamedType(AvroStreamInputFormat.class, "avro_stream"),
                new NamedType(InlineSchemaDecoder.class, "schema_inline"),
                new NamedType(SchemaRegistryDecoder.class, "schema_registry")));
  }

  @Override
  public void configure(Binder binder) {}
}
