package io.g4f.server;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.ImageGenerationRequest;
import io.g4f.client.ProviderNotFoundException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's configured providers, one {@link AsyncClient} each (and one more per retry count a
 * model group sets for it), and the routing of image requests: to the provider named by the route or
 * the body's {@code "provider"}, else to the image provider. Chat is routed by {@link ModelRouter}.
 */
final class Upstreams {

  /** A configured provider's name and a client that reaches it. */
  record Upstream(String name, AsyncClient client) {
  }

  private final Vertx vertx;
  private final GatewayOptions options;
  private final Map<String, AsyncClient> clients = new LinkedHashMap<>();

  Upstreams(Vertx vertx, GatewayOptions options) {
    if (options.getProviders().isEmpty()) {
      throw new IllegalArgumentException("The gateway needs at least one provider");
    }
    this.vertx = vertx;
    this.options = options;
    for (GatewayOptions.ProviderConfig provider : options.getProviders()) {
      client(provider.name(), null);
    }
  }

  /**
   * The client of the configured provider {@code name}, retrying as its options say, or {@code retries}
   * times when not null.
   *
   * @throws ProviderNotFoundException naming the configured providers when none is called {@code name}
   */
  AsyncClient client(String name, Integer retries) {
    GatewayOptions.ProviderConfig provider = provider(name);
    return clients.computeIfAbsent(key(provider.name()) + (retries == null ? "" : "#" + retries),
        key -> AsyncClient.create(vertx, retries == null ? provider.client()
            : new ClientOptions(provider.client()).setMaxRetries(retries)));
  }

  /**
   * The configured provider {@code name} (case-insensitively).
   *
   * @throws ProviderNotFoundException naming the configured providers when there is none
   */
  GatewayOptions.ProviderConfig provider(String name) {
    GatewayOptions.ProviderConfig provider = options.provider(name);
    if (provider == null) {
      throw new ProviderNotFoundException("Unknown provider '" + name + "'; known providers: " + String.join(", ",
          options.getProviders().stream().map(GatewayOptions.ProviderConfig::name).toList()));
    }
    return provider;
  }

  /** The upstream for {@code request}'s images: the provider named by the route or the body (removed from it), else the image provider. */
  Upstream forImages(String provider, ImageGenerationRequest request) {
    Object inBody = request.getExtra().remove("provider");
    String named = provider != null ? provider : inBody instanceof String name ? name : null;
    String name = provider(named != null ? named : options.getImageProvider().name()).name();
    return new Upstream(name, client(name, null));
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(client -> closing.add(client.close()));
    return Future.join(closing).mapEmpty();
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
