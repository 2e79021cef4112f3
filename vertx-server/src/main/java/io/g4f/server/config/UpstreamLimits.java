package io.g4f.server.config;

import io.g4f.client.ClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * How long the gateway waits for a provider and how often it retries: config {@code "timeouts":
 * {"connect","idle","firstByte","total"}} (ms) and {@code "retries"}, at the top level (every provider) and in a
 * provider entry (that provider; each field it sets wins), or the flags {@code --connect-timeout},
 * {@code --idle-timeout}, {@code --first-byte-timeout}, {@code --timeout} and {@code --retries}. A null field leaves the
 * {@link ClientOptions} default ({@value ClientOptions#DEFAULT_CONNECT_TIMEOUT} / {@value
 * ClientOptions#DEFAULT_IDLE_TIMEOUT} / {@value ClientOptions#DEFAULT_TOTAL_TIMEOUT} ms, {@value
 * ClientOptions#DEFAULT_MAX_RETRIES} retries). The total timeout bounds a call with all its retries.
 *
 * @param connect time to open a connection, ms
 * @param idle    longest silence of the provider before its answer and between chunks, ms
 * @param total   longest call, retries and streaming included, ms
 * @param retries retries after a retryable failure before the first chunk
 * @param firstByte longest wait of one attempt for the provider's first byte (a stream's first chunk, a whole
 *     answer's first bytes), after which the next target is tried, ms; 0 for none
 */
public record UpstreamLimits(Long connect, Long idle, Long total, Integer retries, Long firstByte) {

  /** No limit set: every provider keeps the client defaults. */
  public static final UpstreamLimits NONE = new UpstreamLimits(null, null, null, null, null);

  /** The keys of a {@code timeouts} object. */
  static final List<String> TIMEOUT_KEYS = List.of("connect", "idle", "firstByte", "total");

  /** Limits without a first-byte timeout. */
  public UpstreamLimits(Long connect, Long idle, Long total, Integer retries) {
    this(connect, idle, total, retries, null);
  }

  /**
   * The {@code timeouts} and {@code retries} of the config object {@code json} at {@code where} (null: the top level).
   *
   * @throws IllegalArgumentException naming the field that is unknown, not an integer, or not positive
   */
  static UpstreamLimits fromConfig(JsonObject json, String where) {
    JsonObject timeouts = ConfigReader.field(json, "timeouts", JsonObject.class, false, where);
    Integer retries = ConfigReader.integer(json, "retries", 0, where);
    if (timeouts == null) {
      return new UpstreamLimits(null, null, null, retries, null);
    }
    String at = ConfigReader.path(where, "timeouts");
    ConfigReader.check(timeouts, at, TIMEOUT_KEYS);
    Integer firstByte = ConfigReader.integer(timeouts, "firstByte", 0, at);
    return new UpstreamLimits(millis(timeouts, "connect", at), millis(timeouts, "idle", at),
        millis(timeouts, "total", at), retries, firstByte == null ? null : firstByte.longValue());
  }

  private static Long millis(JsonObject timeouts, String name, String where) {
    Integer value = ConfigReader.integer(timeouts, name, 1, where);
    return value == null ? null : value.longValue();
  }

  /** These limits, each unset one taken from {@code base}. */
  public UpstreamLimits over(UpstreamLimits base) {
    return new UpstreamLimits(connect != null ? connect : base.connect, idle != null ? idle : base.idle,
        total != null ? total : base.total, retries != null ? retries : base.retries,
        firstByte != null ? firstByte : base.firstByte);
  }

  /** A copy of {@code client} with the limits that are set. */
  public ClientOptions applyTo(ClientOptions client) {
    ClientOptions limited = new ClientOptions(client);
    if (connect != null) {
      limited.setConnectTimeout(connect);
    }
    if (idle != null) {
      limited.setIdleTimeout(idle);
    }
    if (total != null) {
      limited.setTotalTimeout(total);
    }
    if (retries != null) {
      limited.setMaxRetries(retries);
    }
    if (firstByte != null) {
      limited.setFirstByteTimeout(firstByte);
    }
    return limited;
  }
}
