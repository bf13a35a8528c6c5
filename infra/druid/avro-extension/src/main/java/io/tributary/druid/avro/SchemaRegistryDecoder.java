package io.tributary.druid.avro;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * {@code schema_registry}: Confluent's wire format (magic byte 0, a 4-byte big-endian schema id,
 * the datum), with the writer's schema fetched once per id from a Confluent-compatible registry
 * ({@code GET <url>/schemas/ids/<id>}). Takes {@code url} or {@code urls} and {@code headers};
 * the Confluent client's {@code config} is accepted but not interpreted.
 */
public class SchemaRegistryDecoder implements AvroBytesDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final List<String> urls;
  private final Map<String, String> headers;
  private final Map<String, Object> config;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

  @JsonCreator
  public SchemaRegistryDecoder(
      @JsonProperty("url") String url,
      @JsonProperty("urls") List<String> urls,
      @JsonProperty("config") Map<String, Object> config,
      @JsonProperty("headers") Map<String, String> headers) {
    if (url == null && (urls == null || urls.isEmpty())) {
      throw new IllegalArgumentException("schema_registry needs url or urls");
    }
    this.url = url;
    this.urls = urls;
    this.config = config;
    this.headers = headers == null ? Collections.emptyMap() : headers;
  }

  @JsonProperty("url")
  public String getUrl() {
    return url;
  }

  @JsonProperty("urls")
  public List<String> getUrls() {
    return urls;
  }

  @JsonProperty("config")
  public Map<String, Object> getConfig() {
    return config;
  }

  @JsonProperty("headers")
  public Map<String, String> getHeaders() {
    return headers;
  }

  @Override
  public GenericRecord parse(ByteBuffer buffer) {
    ByteBuffer bytes = buffer.duplicate();
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);
    if (array.length < 5 || array[0] != 0) {
      throw new IllegalArgumentException("not Confluent's wire format (magic byte 0 and a schema id)");
    }
    int id = ByteBuffer.wrap(array, 1, 4).getInt();
    return AvroDatums.read(readers.computeIfAbsent(id, this::fetch), array, 5);
  }

  private GenericDatumReader<GenericRecord> fetch(int id) {
    String base = url != null ? url : urls.get(0);
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/schemas/ids/" + id))
              .timeout(Duration.ofSeconds(10));
      headers.forEach(request::header);
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("schema " + id + ": the registry answered " + response.statusCode());
      }
      JsonNode body = JSON.readTree(response.body());
      return new GenericDatumReader<>(new Schema.Parser().parse(body.get("schema").asText()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("schema " + id + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("schema " + id + ": interrupted", e);
    }
  }
}
