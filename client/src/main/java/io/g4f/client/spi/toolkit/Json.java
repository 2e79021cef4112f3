package io.g4f.client.spi.toolkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The Jackson mapper of providers and the gateway, and the few conversions built on it. (The API's data types need
 * none: they read and write with any {@code ObjectMapper}.)
 */
public final class Json {

  /** Lenient on input (unknown properties are kept by the data types anyway), compact on output. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** A reader per type: it has looked up the type's deserializer once, where {@code MAPPER.readValue} does per call. */
  private static final ClassValue<ObjectReader> READERS = new ClassValue<>() {
    @Override
    protected ObjectReader computeValue(Class<?> type) {
      return MAPPER.readerFor(type);
    }
  };

  private Json() {
  }

  /** Writes {@code value} as UTF-8 JSON. */
  public static Buffer encode(Object value) {
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Reads UTF-8 JSON; throws {@link UncheckedIOException} when it is malformed or of the wrong shape. */
  public static <T> T decode(Buffer json, Class<T> type) {
    return decode(json.getBytes(), type);
  }

  /** Reads UTF-8 JSON; throws {@link UncheckedIOException} when it is malformed or of the wrong shape. */
  public static <T> T decode(byte[] json, Class<T> type) {
    try {
      return READERS.get(type).readValue(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads JSON text; throws {@link UncheckedIOException} when it is malformed or of the wrong shape. */
  public static <T> T decode(String json, Class<T> type) {
    try {
      return READERS.get(type).readValue(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Converts a parsed tree to a type. */
  public static <T> T treeToValue(JsonNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /** A deep copy through JSON: what is not written to JSON is not copied. */
  public static <T> T copy(T value, Class<T> type) {
    return MAPPER.convertValue(value, type);
  }
}
