package io.g4f.server.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * Logback encoder of {@code --log-format json}: one JSON object a line, {@code time} (ISO-8601, UTC), {@code level},
 * {@code logger}, {@code thread}, {@code message}, then each key-value pair of the event as a field of its own
 * (the access log's {@code request_id}, {@code route}, {@code status}, {@code duration_ms}, {@code provider},
 * {@code model}...; numbers stay numbers), then {@code error} with the stack trace when the event has one.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] NOTHING = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", event.getFormattedMessage());
      if (event.getKeyValuePairs() != null) {
        for (KeyValuePair pair : event.getKeyValuePairs()) {
          json.writeFieldName(pair.key);
          if (pair.value instanceof Number number) {
            json.writeNumber(number.toString());
          } else {
            json.writeString(pair.value == null ? null : pair.value.toString());
          }
        }
      }
      if (event.getThrowableProxy() != null) {
        json.writeStringField("error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }
}
