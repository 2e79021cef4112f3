package io.g4f.client;

import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.impl.DefaultAsyncClient;
import io.g4f.client.messages.MessageStreamEvent;
import io.g4f.client.spi.ProviderRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.jspecify.annotations.Nullable;

/**
 * The asynchronous G4F client, calling providers from this JVM: chat completions, streamed completions and
 * images, each returning a Vert.x {@link io.vertx.core.Future} ({@link GenericAsyncClient} has the contract). Its per-call
 * settings are {@link DirectCallOptions}: besides the provider, timeout and cancellation every client takes,
 * this call's own API key, proxy and HTTP headers. Every call completes within the
 * {@linkplain ClientOptions#getTotalTimeout() total timeout} (or the call's own).
 */
public interface AsyncClient extends GenericAsyncClient<DirectCallOptions> {

  /**
   * A client with its own Vert.x instance, for programs that use no other: {@link #close()} closes the
   * client and then that Vert.x, so a {@code main} that closes it exits.
   *
   * @throws IllegalArgumentException when the options are invalid (an unparsable proxy URI, say)
   * @throws ProviderNotFoundException when a provider name is unknown
   */
  static AsyncClient create(ClientOptions options) {
    return DefaultAsyncClient.owningVertx(options, ProviderRegistry.standard());
  }

  /**
   * A client sharing {@code vertx}'s event loops; {@link #close()} closes its connections and leaves
   * {@code vertx} open.
   *
   * @throws IllegalArgumentException when the options are invalid (an unparsable proxy URI, say)
   * @throws ProviderNotFoundException when a provider name is unknown
   */
  static AsyncClient create(Vertx vertx, ClientOptions options) {
    return create(vertx, options, ProviderRegistry.standard());
  }

  /**
   * A client whose provider names are looked up in {@code registry} (for custom providers:
   * {@code ProviderRegistry.standard().register(new MyProvider())}).
   *
   * @throws IllegalArgumentException when the options are invalid
   * @throws ProviderNotFoundException when a provider name is not in the registry
   */
  static AsyncClient create(Vertx vertx, ClientOptions options, ProviderRegistry registry) {
    return new DefaultAsyncClient(vertx, options, registry);
  }

  /** Anthropic Messages requests relayed as they are; see {@link Messages}. */
  Messages messages();

  /**
   * Anthropic Messages requests relayed, untranslated, to a provider that speaks that API natively
   * ({@link io.g4f.client.spi.Capability#MESSAGES}: Anthropic's), with the client's routing, keys, base URLs,
   * proxy, retries, timeouts and circuit breakers; only {@code model} is resolved to the provider's name for it.
   * For a gateway that passes an Anthropic caller's request through without losing a field. A provider that does
   * not speak the API fails the call with {@link InvalidRequestException}; an error answer fails it with the
   * {@link G4fException} subclass of its status, which keeps the status and Anthropic's {@code error.type}.
   */
  interface Messages {

    /**
     * The whole answer to {@code body} (a Messages request without {@code "stream": true}): the {@code message}
     * JSON as the provider sent it.
     *
     * @param options this call's settings, or null for the client's
     */
    Future<Buffer> create(JsonObject body, @Nullable DirectCallOptions options);

    /**
     * The answer to {@code body}, sent with {@code "stream": true}: the provider's server-sent events as they came,
     * {@code message_start} to {@code message_stop}, with backpressure. The future succeeds once the provider's
     * first event arrived (failures before it move on to the next provider of a list); after it, an {@code error}
     * event, a body cut before {@code message_stop} or the idle or total timeout fails the stream.
     *
     * @param options this call's settings, or null for the client's
     */
    Future<CancellableStream<MessageStreamEvent>> stream(JsonObject body, @Nullable DirectCallOptions options);
  }
}
