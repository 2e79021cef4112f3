package io.g4f.client;

import io.g4f.client.errors.RequestTimeoutException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Options of an {@link EventBusAsyncClient}, in the Vert.x Options style: the gateway's address
 * prefix, how long to wait for each answer, and how many streamed chunks may be on their way at once.
 */
public class EventBusClientOptions {

  /** Default address prefix: {@value}, as the gateway's. */
  public static final String DEFAULT_ADDRESS_PREFIX = "g4f";
  /** Default time to wait for each answer: {@value} ms, the gateway's event-bus timeout. */
  public static final long DEFAULT_TIMEOUT = 30_000;
  /** Default credits (chunks a stream may have in flight and queued): {@value}. */
  public static final int DEFAULT_CREDITS = 16;

  private String addressPrefix = DEFAULT_ADDRESS_PREFIX;
  private long timeout = DEFAULT_TIMEOUT;
  private int credits = DEFAULT_CREDITS;

  /** Options with the defaults. */
  public EventBusClientOptions() {
  }

  /** A copy of {@code other}. */
  public EventBusClientOptions(EventBusClientOptions other) {
    addressPrefix = other.addressPrefix;
    timeout = other.timeout;
    credits = other.credits;
  }

  /** Options from JSON ({@code addressPrefix}, {@code timeout}, {@code credits}); absent keys keep their defaults. */
  public EventBusClientOptions(JsonObject json) {
    setAddressPrefix(json.getString("addressPrefix", addressPrefix));
    setTimeout(json.getLong("timeout", timeout));
    setCredits(json.getInteger("credits", credits));
  }

  /** These options as JSON. */
  public JsonObject toJson() {
    return new JsonObject().put("addressPrefix", addressPrefix).put("timeout", timeout).put("credits", credits);
  }

  /** The prefix of the gateway's addresses ({@code PREFIX.chat.completions}, ...). */
  public String getAddressPrefix() {
    return addressPrefix;
  }

  /** Sets the address prefix; it must match the gateway's. */
  public EventBusClientOptions setAddressPrefix(String addressPrefix) {
    if (addressPrefix == null || addressPrefix.isEmpty()) {
      throw new IllegalArgumentException("addressPrefix must not be empty");
    }
    this.addressPrefix = addressPrefix;
    return this;
  }

  /**
   * How long, in ms, to wait for each answer (a whole completion, an image, each batch of a stream);
   * past it the call fails with a {@link RequestTimeoutException}. A streaming caller also pulls at least
   * every half of it, so keep it equal to the gateway's event-bus timeout.
   */
  public long getTimeout() {
    return timeout;
  }

  /** Sets the timeout in ms. */
  public EventBusClientOptions setTimeout(long timeout) {
    if (timeout < 2) {
      throw new IllegalArgumentException("timeout must be at least 2 ms");
    }
    this.timeout = timeout;
    return this;
  }

  /** Sets the timeout; at least 2 ms. */
  public EventBusClientOptions setTimeout(Duration timeout) {
    return setTimeout(timeout.toMillis());
  }

  /** How many chunks of a stream may be granted to the gateway and queued here at once (backpressure window). */
  public int getCredits() {
    return credits;
  }

  /** Sets the credits; at least 1. */
  public EventBusClientOptions setCredits(int credits) {
    if (credits < 1) {
      throw new IllegalArgumentException("credits must be at least 1");
    }
    this.credits = credits;
    return this;
  }
}
