package io.g4f.server.routing;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's configured providers as one event loop reaches them: an {@link AsyncClient} each (and more, created
 * when first asked for: per retry count a model group sets), asked by {@link Attempts}.
 */
public final class Upstreams {

  private final Vertx vertx;
  private final GatewayOptions options;
  private final int share;
  private final Map<String, AsyncClient> clients = new LinkedHashMap<>();

  /**
   * The clients of one of {@code eventLoops} event loops: each may open its share of a provider's
   * {@code maxConnections} (rounded up), so that the gateway's connections to a provider stay within it.
   */
  public Upstreams(Vertx vertx, GatewayOptions options, int eventLoops) {
    if (options.getProviders().isEmpty()) {
      throw new IllegalArgumentException("The gateway needs at least one provider");
    }
    this.vertx = vertx;
    this.options = options;
    this.share = eventLoops;
    for (GatewayOptions.ProviderConfig provider : options.getProviders()) {
      client(provider.name(), null, null);
    }
  }

  /**
   * A client of the configured provider {@code name} for {@link Attempts}, whose routing targets guard its calls
   * with their own circuit breakers, so it has none of its own; with the provider's timeouts
   * ({@link GatewayOptions#clientOptions}), retrying as they say, or {@code retries} times when not null, and waiting
   * for an attempt's first byte as they say, or {@code firstByteTimeout} ms when not null.
   *
   * @throws io.g4f.client.errors.ProviderNotFoundException naming the configured providers when none is called {@code name}
   */
  AsyncClient client(String name, Integer retries, Long firstByteTimeout) {
    GatewayOptions.ProviderConfig provider = options.requireProvider(name);
    return clients.computeIfAbsent(key(provider.name()) + '\n' + retries + '\n' + firstByteTimeout, key -> {
      ClientOptions client = clientOptions(provider).setCircuitBreakerFailures(0);
      if (retries != null) {
        client.setMaxRetries(retries);
      }
      if (firstByteTimeout != null) {
        client.setFirstByteTimeout(firstByteTimeout);
      }
      return AsyncClient.create(vertx, client, options.getProviderRegistry());
    });
  }

  private ClientOptions clientOptions(GatewayOptions.ProviderConfig provider) {
    ClientOptions client = options.clientOptions(provider);
    return client.setMaxConnections((client.getMaxConnections() + share - 1) / share);
  }

  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(client -> closing.add(client.close()));
    return Future.join(closing).mapEmpty();
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
