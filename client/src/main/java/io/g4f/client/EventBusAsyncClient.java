package io.g4f.client;

import io.g4f.client.errors.ConnectionException;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.RequestTimeoutException;
import io.g4f.client.impl.DefaultEventBusAsyncClient;
import io.vertx.core.Vertx;

/**
 * The {@link AsyncClient} API over the Vert.x event bus: each call is sent to a gateway
 * ({@code GatewayVerticle}) on this node or, clustered, on any node, with the protocol of
 * {@code docs/event-bus.md}. Results and failures are those of the in-process client: the same data
 * types, the same {@link G4fException} subclasses, and streams with the same contract, whose
 * {@code pause()} reaches the provider's socket through credits and whose {@code cancel()} closes the
 * upstream request. No answer within the {@linkplain EventBusClientOptions#getTimeout() timeout}
 * (a gateway that went away) fails the call with a {@link RequestTimeoutException}; no gateway on the
 * address with a {@link ConnectionException}. Providers, keys, proxies and retries are the gateway's, so its
 * per-call settings are the {@link CallOptions} every client takes: the provider (sent to the gateway as a
 * header), the total timeout (applied by the gateway) and cancellation.
 */
public interface EventBusAsyncClient extends GenericAsyncClient<CallOptions> {

  /** A client for the gateway at the default addresses ({@code g4f.*}). */
  static EventBusAsyncClient create(Vertx vertx) {
    return create(vertx, new EventBusClientOptions());
  }

  /** A client with these options. */
  static EventBusAsyncClient create(Vertx vertx, EventBusClientOptions options) {
    return new DefaultEventBusAsyncClient(vertx, options);
  }
}
