package io.g4f.client.spi.toolkit;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Incremental parser for text/event-stream bodies, following the WHATWG HTML "event stream
 * interpretation" rules. Not thread-safe; feed it from one thread.
 *
 * <p>Bytes are scanned straight out of the incoming {@link Buffer} through a scratch array that the
 * parsers of a thread share, as they share line and data buffers: a parser holds one only while a line or an
 * event spans two {@link #feed} calls, so an open stream between events costs no buffer. A line is only copied
 * when it spans two feeds. Lines are decoded from their raw bytes once complete, so multi-byte UTF-8
 * characters may be split anywhere; malformed bytes decode to U+FFFD. {@code data} values are kept as raw
 * bytes, and an event's data is decoded only when asked for (see {@link Event}).
 *
 * <p>The sink is called synchronously from {@link #feed}; an exception it throws propagates to the
 * caller of {@code feed}. The sink may call {@link #end()}: the rest of the current buffer is then
 * ignored. The sink must not call {@link #feed} itself.
 */
public final class SseParser {

  /**
   * One dispatched event, with the fields (and the equality) of a record.
   *
   * <p>{@code event} defaults to "message"; {@code id} is the last event ID in effect (persists
   * across events per spec, null if never set); {@code retry} is the last valid retry field value
   * in milliseconds or null. The data of a parsed event is kept as the UTF-8 bytes it came in:
   * {@link #data()} decodes them once, when first called, and {@link #dataAs} and {@link #dataIs} read
   * them without decoding, so a JSON event is parsed straight from its bytes.
   */
  public static final class Event {

    private final String event;
    /** The data's UTF-8 bytes, or null for an event made from a string. */
    private final byte[] utf8;
    private String data;
    private final String id;
    private final Long retry;

    /**
     * An event with the given fields.
     *
     * @param event the event type, "message" unless an {@code event} field set a non-empty type
     * @param data the data lines joined with "\n", without a trailing newline
     * @param id the last event ID in effect, or null if no {@code id} field was ever accepted
     * @param retry the last valid {@code retry} value in milliseconds, or null if none was seen
     */
    public Event(String event, String data, String id, Long retry) {
      this(event, null, Objects.requireNonNull(data, "data"), id, retry);
    }

    private Event(String event, byte[] utf8, String data, String id, Long retry) {
      this.event = event;
      this.utf8 = utf8;
      this.data = data;
      this.id = id;
      this.retry = retry;
    }

    /** The event type, "message" unless an {@code event} field set a non-empty type. */
    public String event() {
      return event;
    }

    /** The data lines joined with "\n", without a trailing newline. */
    public String data() {
      if (data == null) {
        data = decode(utf8, 0, utf8.length);
      }
      return data;
    }

    /** The last event ID in effect, or null if no {@code id} field was ever accepted. */
    public String id() {
      return id;
    }

    /** The last valid {@code retry} value in milliseconds, or null if none was seen. */
    public Long retry() {
      return retry;
    }

    /**
     * The data read as JSON of {@code type}, from its bytes.
     *
     * @throws java.io.UncheckedIOException when it is not JSON of that shape
     */
    public <T> T dataAs(Class<T> type) {
      return utf8 != null ? Json.decode(utf8, type) : Json.decode(data, type);
    }

    /** Whether the data is {@code text}, compared without decoding it. */
    public boolean dataIs(String text) {
      if (utf8 == null) {
        return data.equals(text);
      }
      // A string of n chars takes n to 3n bytes in UTF-8: most data is told apart by its length alone.
      return utf8.length >= text.length() && utf8.length <= 3L * text.length()
          && Arrays.equals(utf8, text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Event that && event.equals(that.event) && data().equals(that.data())
          && Objects.equals(id, that.id) && Objects.equals(retry, that.retry);
    }

    @Override
    public int hashCode() {
      return Objects.hash(event, data(), id, retry);
    }

    @Override
    public String toString() {
      return "Event[event=" + event + ", data=" + data() + ", id=" + id + ", retry=" + retry + "]";
    }
  }

  /** Default limit, in bytes, for a single line and for the accumulated data of one event. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

  private static final String DEFAULT_EVENT_TYPE = "message";
  private static final int CHUNK = 8 * 1024;
  private static final int INITIAL_CAPACITY = 256;
  /** Buffers grown beyond this are dropped after use so one huge event does not pin memory. */
  private static final int RETAIN_LIMIT = 64 * 1024;
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte COLON = ':';
  private static final byte SPACE = ' ';

  private final int maxEventBytes;
  private final Consumer<Event> sink;

  /**
   * A thread's arrays: the scratch array that raw bytes are copied into out of an input buffer, CHUNK at a time,
   * and a spare line and data buffer, lent to a parser for one {@link #feed} and given back unless a line or an
   * event is left incomplete, so that a parser between two feeds holds no array (an open stream costs no buffer).
   * Taken (the thread's slot set to null) while a feed uses them, so a feed nested in a sink gets arrays of its own.
   */
  private static final class Spares {
    final byte[] scratch = new byte[CHUNK];
    byte[] line;
    byte[] data;
  }

  private static final ThreadLocal<Spares> SPARES = new ThreadLocal<>();
  /** Bytes of a line that has started but not yet been terminated; null between feeds when there is none. */
  private byte[] lineBuf;
  private int lineLen;
  /** Raw UTF-8 of the data buffer, each data value followed by LF; null between feeds when it is empty. */
  private byte[] dataBuf;
  private int dataLen;

  private String eventType;
  private String lastEventId;
  private Long retry;

  /** The previous chunk ended with CR: a LF starting the next chunk belongs to that terminator. */
  private boolean skipLf;
  /** The first line has been seen (the BOM may only be skipped on it). */
  private boolean firstLineSeen;
  private boolean ended;

  /**
   * Creates a parser with a limit of {@link #DEFAULT_MAX_EVENT_BYTES}.
   *
   * @param sink receives every dispatched event
   */
  public SseParser(Consumer<Event> sink) {
    this(DEFAULT_MAX_EVENT_BYTES, sink);
  }

  /**
   * Creates a parser.
   *
   * @param maxEventBytes the most bytes allowed in a single line and in the data of one event
   * @param sink receives every dispatched event
   * @throws IllegalArgumentException if {@code maxEventBytes} is not positive
   */
  public SseParser(int maxEventBytes, Consumer<Event> sink) {
    if (maxEventBytes <= 0) {
      throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
    }
    this.maxEventBytes = maxEventBytes;
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /**
   * Feeds bytes split anywhere (inside a line, between CR and LF, inside a multi-byte UTF-8
   * character). Dispatches complete events to the sink synchronously. Calls after {@link #end()}
   * (or after a limit failure) are ignored.
   *
   * @param bytes the next bytes of the stream
   * @throws IllegalStateException (message mentions the limit) if a single line or the
   *     accumulated data of one event exceeds maxEventBytes; the parser is then ended
   */
  public void feed(Buffer bytes) {
    int total = bytes.length();
    if (total == 0 || ended) {
      return;
    }
    Spares spares = SPARES.get();
    SPARES.set(null);
    if (spares == null) {
      spares = new Spares();
    }
    if (lineBuf == null) {
      lineBuf = spares.line != null ? spares.line : new byte[INITIAL_CAPACITY];
      spares.line = null;
    }
    if (dataBuf == null) {
      dataBuf = spares.data != null ? spares.data : new byte[INITIAL_CAPACITY];
      spares.data = null;
    }
    try {
      int pos = 0;
      while (pos < total && !ended) {
        int n = Math.min(CHUNK, total - pos);
        bytes.getBytes(pos, pos + n, spares.scratch, 0);
        pos += n;
        scan(spares.scratch, n);
      }
    } finally {
      if (lineLen == 0) {
        spares.line = spare(lineBuf, spares.line);
        lineBuf = null;
      }
      if (dataLen == 0) {
        spares.data = spare(dataBuf, spares.data);
        dataBuf = null;
      }
      SPARES.set(spares);
    }
  }

  /** The array to keep as a thread's spare: {@code used}, unless it is missing or grew too large to keep. */
  private static byte[] spare(byte[] used, byte[] spare) {
    return used != null && used.length <= RETAIN_LIMIT ? used : spare;
  }

  /** End of stream: an incomplete event (no terminating blank line) is discarded, as the spec says. */
  public void end() {
    ended = true;
    lineLen = 0;
    dataLen = 0;
    eventType = null;
    skipLf = false;
    lineBuf = null;
    dataBuf = null;
  }

  private void scan(byte[] chunk, int n) {
    int i = 0;
    if (skipLf) {
      skipLf = false;
      if (chunk[0] == LF) {
        i = 1;
      }
    }
    int lineStart = i;
    while (i < n) {
      byte b = chunk[i];
      if (b != LF && b != CR) {
        i++;
        continue;
      }
      if (lineLen == 0) {
        int len = i - lineStart;
        checkLine(len);
        processLine(chunk, lineStart, len);
      } else {
        appendLine(chunk, lineStart, i - lineStart);
        processLine(lineBuf, 0, lineLen);
        lineLen = 0;
        if (lineBuf.length > RETAIN_LIMIT) {
          lineBuf = new byte[INITIAL_CAPACITY];
        }
      }
      if (ended) {
        return;
      }
      i++;
      if (b == CR) {
        if (i == n) {
          skipLf = true;
        } else if (chunk[i] == LF) {
          i++;
        }
      }
      lineStart = i;
    }
    if (lineStart < n) {
      appendLine(chunk, lineStart, n - lineStart);
    }
  }

  private void checkLine(long len) {
    if (len > maxEventBytes) {
      fail("SSE line exceeds the limit of " + maxEventBytes + " bytes");
    }
  }

  private void appendLine(byte[] src, int off, int len) {
    int needed = lineLen + len;
    checkLine((long) lineLen + len);
    if (needed > lineBuf.length) {
      lineBuf = grow(lineBuf, lineLen, needed);
    }
    System.arraycopy(src, off, lineBuf, lineLen, len);
    lineLen = needed;
  }

  private void processLine(byte[] buf, int off, int len) {
    if (!firstLineSeen) {
      firstLineSeen = true;
      if (len >= 3 && buf[off] == (byte) 0xEF && buf[off + 1] == (byte) 0xBB
          && buf[off + 2] == (byte) 0xBF) {
        off += 3;
        len -= 3;
      }
    }
    if (len == 0) {
      dispatch();
      return;
    }
    if (buf[off] == COLON) {
      return; // comment
    }
    int end = off + len;
    int colon = off;
    while (colon < end && buf[colon] != COLON) {
      colon++;
    }
    int nameLen = colon - off;
    int valueOff;
    if (colon == end) {
      valueOff = end;
    } else {
      valueOff = colon + 1;
      if (valueOff < end && buf[valueOff] == SPACE) {
        valueOff++;
      }
    }
    int valueLen = end - valueOff;
    switch (nameLen) {
      case 2:
        if (buf[off] == 'i' && buf[off + 1] == 'd') {
          onId(buf, valueOff, valueLen);
        }
        break;
      case 4:
        if (buf[off] == 'd' && buf[off + 1] == 'a' && buf[off + 2] == 't' && buf[off + 3] == 'a') {
          onData(buf, valueOff, valueLen);
        }
        break;
      case 5:
        if (buf[off] == 'e' && buf[off + 1] == 'v' && buf[off + 2] == 'e' && buf[off + 3] == 'n'
            && buf[off + 4] == 't') {
          eventType = decode(buf, valueOff, valueLen);
        } else if (buf[off] == 'r' && buf[off + 1] == 'e' && buf[off + 2] == 't'
            && buf[off + 3] == 'r' && buf[off + 4] == 'y') {
          onRetry(buf, valueOff, valueLen);
        }
        break;
      default:
        break; // unknown field: ignored
    }
  }

  private void onData(byte[] buf, int off, int len) {
    // dataLen counts the separators already present; the final LF is dropped at dispatch.
    if ((long) dataLen + len > maxEventBytes) {
      fail("SSE event data exceeds the limit of " + maxEventBytes + " bytes");
    }
    int needed = dataLen + len + 1;
    if (needed > dataBuf.length) {
      dataBuf = grow(dataBuf, dataLen, needed);
    }
    System.arraycopy(buf, off, dataBuf, dataLen, len);
    dataBuf[dataLen + len] = LF;
    dataLen = needed;
  }

  private void onId(byte[] buf, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      if (buf[i] == 0) {
        return; // U+0000 can only come from a 0x00 byte in UTF-8
      }
    }
    lastEventId = decode(buf, off, len);
  }

  private void onRetry(byte[] buf, int off, int len) {
    if (len == 0) {
      return;
    }
    long value = 0;
    for (int i = off, end = off + len; i < end; i++) {
      int digit = buf[i] - '0';
      if (digit < 0 || digit > 9) {
        return;
      }
      // Saturate instead of overflowing: an absurdly long delay is still "very long".
      value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
    }
    retry = value;
  }

  private void dispatch() {
    if (dataLen == 0) {
      eventType = null;
      return;
    }
    byte[] data = Arrays.copyOf(dataBuf, dataLen - 1);
    String type = eventType == null || eventType.isEmpty() ? DEFAULT_EVENT_TYPE : eventType;
    dataLen = 0;
    eventType = null;
    if (dataBuf.length > RETAIN_LIMIT) {
      dataBuf = new byte[INITIAL_CAPACITY];
    }
    sink.accept(new Event(type, data, null, lastEventId, retry));
  }

  private void fail(String message) {
    end();
    throw new IllegalStateException(message);
  }

  private static String decode(byte[] buf, int off, int len) {
    return len == 0 ? "" : new String(buf, off, len, StandardCharsets.UTF_8);
  }

  private static byte[] grow(byte[] array, int used, int needed) {
    long doubled = Math.max((long) array.length * 2, INITIAL_CAPACITY);
    int newLength = (int) Math.min(Math.max(doubled, needed), MAX_ARRAY);
    if (newLength < needed) {
      throw new IllegalStateException("SSE buffer cannot grow to " + needed + " bytes");
    }
    byte[] copy = new byte[newLength];
    System.arraycopy(array, 0, copy, 0, used);
    return copy;
  }
}
