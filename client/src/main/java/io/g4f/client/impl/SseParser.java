package io.g4f.client.impl;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental parser for {@code text/event-stream} bodies, following the WHATWG HTML "event stream
 * interpretation" rules: LF, CRLF and lone CR line ends (a CRLF split across buffers is one end),
 * comments, multi-line {@code data}, {@code event}, {@code id} and {@code retry} fields, a leading BOM,
 * and bytes split anywhere, inside a UTF-8 character included. Not thread-safe; feed it from one thread.
 */
public final class SseParser {

  /**
   * One dispatched event. {@code event} defaults to {@code message}; {@code id} is the last event ID in
   * effect (it persists across events; null if never set); {@code retry} is the last valid reconnection
   * time in ms, or null.
   */
  public record Event(String event, String data, String id, Long retry) {
  }

  /** The default limit of one line, and of one event's data: {@value} bytes. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

  private final int maxEventBytes;
  private final Consumer<Event> sink;
  private byte[] line = new byte[256];
  private int lineLength;
  private boolean afterCr;
  private int bomBytesSeen;
  private boolean started;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;
  private String eventType;
  private String lastEventId;
  private Long retry;

  /** A parser with the default size limit. */
  public SseParser(Consumer<Event> sink) {
    this(DEFAULT_MAX_EVENT_BYTES, sink);
  }

  /** A parser that rejects lines and event data over {@code maxEventBytes}. */
  public SseParser(int maxEventBytes, Consumer<Event> sink) {
    this.maxEventBytes = maxEventBytes;
    this.sink = sink;
  }

  /**
   * Feeds the next bytes, dispatching the events they complete to the sink.
   *
   * @throws IllegalStateException when a line or an event's data exceeds the size limit
   */
  public void feed(Buffer bytes) {
    int length = bytes.length();
    for (int i = 0; i < length; i++) {
      byte b = bytes.getByte(i);
      if (!started && skipBom(b)) {
        continue;
      }
      if (b == '\n') {
        if (afterCr) {
          afterCr = false;
        } else {
          endLine();
        }
      } else if (b == '\r') {
        afterCr = true;
        endLine();
      } else {
        afterCr = false;
        append(b);
      }
    }
  }

  /** The stream ended: an event without its closing blank line is discarded, as the spec says. */
  public void end() {
    lineLength = 0;
    data.setLength(0);
    hasData = false;
    eventType = null;
  }

  /** Consumes the bytes of a leading BOM (EF BB BF); returns true when {@code b} belonged to it. */
  private boolean skipBom(byte b) {
    int expected = switch (bomBytesSeen) {
      case 0 -> 0xEF;
      case 1 -> 0xBB;
      default -> 0xBF;
    };
    if ((b & 0xFF) == expected) {
      if (++bomBytesSeen == 3) {
        started = true;
      }
      return true;
    }
    started = true;
    if (bomBytesSeen > 0) {
      byte[] partial = {(byte) 0xEF, (byte) 0xBB};
      for (int i = 0; i < bomBytesSeen; i++) {
        append(partial[i]);
      }
    }
    return false;
  }

  private void append(byte b) {
    if (lineLength == maxEventBytes) {
      throw new IllegalStateException("Event-stream line exceeds " + maxEventBytes + " bytes");
    }
    if (lineLength == line.length) {
      line = Arrays.copyOf(line, Math.min(maxEventBytes, line.length * 2));
    }
    line[lineLength++] = b;
  }

  private void endLine() {
    started = true;
    if (lineLength == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') {
      lineLength = 0;
      return;
    }
    int colon = -1;
    for (int i = 0; i < lineLength; i++) {
      if (line[i] == ':') {
        colon = i;
        break;
      }
    }
    String field;
    String value;
    if (colon < 0) {
      field = new String(line, 0, lineLength, StandardCharsets.UTF_8);
      value = "";
    } else {
      field = new String(line, 0, colon, StandardCharsets.UTF_8);
      int start = colon + 1 < lineLength && line[colon + 1] == ' ' ? colon + 2 : colon + 1;
      value = new String(line, start, lineLength - start, StandardCharsets.UTF_8);
    }
    lineLength = 0;
    switch (field) {
      case "data" -> {
        if (data.length() + value.length() > maxEventBytes) {
          throw new IllegalStateException("Event-stream event data exceeds " + maxEventBytes + " bytes");
        }
        data.append(value).append('\n');
        hasData = true;
      }
      case "event" -> eventType = value;
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          try {
            retry = Long.parseLong(value);
          } catch (NumberFormatException tooLarge) {
            // ignored, like any invalid retry value
          }
        }
      }
      default -> {
        // unknown fields are ignored
      }
    }
  }

  private void dispatch() {
    if (!hasData) {
      eventType = null;
      return;
    }
    data.setLength(data.length() - 1);
    Event event = new Event(eventType == null || eventType.isEmpty() ? "message" : eventType, data.toString(),
        lastEventId, retry);
    data.setLength(0);
    hasData = false;
    eventType = null;
    sink.accept(event);
  }
}
