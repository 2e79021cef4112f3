package io.g4f.server;

import io.g4f.client.AsyncClient;
import io.g4f.client.ChatCompletionRequest;
import io.g4f.client.Extensible;
import io.g4f.client.ImageGenerationRequest;
import io.g4f.client.ModelNotFoundException;
import io.g4f.client.ProviderNotFoundException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's providers, one {@link AsyncClient} each, and the routing of a request to one: by
 * name ({@code /api/{provider}/...}), else to the provider that lists the request's model, else to
 * the default provider, unless that one serves only the models it lists (404).
 */
final class Upstreams {

  private final GatewayOptions options;
  private final Map<String, AsyncClient> clients = new LinkedHashMap<>();

  Upstreams(Vertx vertx, GatewayOptions options) {
    if (options.getProviders().isEmpty()) {
      throw new IllegalArgumentException("The gateway needs at least one provider");
    }
    this.options = options;
    for (GatewayOptions.ProviderConfig provider : options.getProviders()) {
      clients.put(key(provider.name()), AsyncClient.create(vertx, provider.client()));
    }
  }

  /**
   * The client for {@code request}: the provider named by the route or message ({@code provider}, or
   * null), else by g4f's {@code "provider"} body field (taken out of the request, so never sent
   * upstream), else the one its model routes to.
   */
  AsyncClient forChat(String provider, ChatCompletionRequest request) {
    String named = named(provider, request);
    if (named != null) {
      return client(named);
    }
    String model = request.getModel();
    if (model == null) {
      return client(options.getDefaultProvider().name());
    }
    for (GatewayOptions.ProviderConfig candidate : options.getProviders()) {
      if (candidate.models().contains(model)) {
        return client(candidate.name());
      }
    }
    GatewayOptions.ProviderConfig fallback = options.getDefaultProvider();
    if (!fallback.takesAnyModel()) {
      throw new ModelNotFoundException("The model '" + model + "' does not exist", 404, null,
          "invalid_request_error", "model_not_found", "model", null, null);
    }
    return client(fallback.name());
  }

  /** The client for {@code request}'s images: the provider named as for chat, else the image provider. */
  AsyncClient forImages(String provider, ImageGenerationRequest request) {
    String named = named(provider, request);
    return client(named != null ? named : options.getImageProvider().name());
  }

  /** The provider named by the route or message, else by the body's {@code "provider"} (removed from it); or null. */
  private static String named(String provider, Extensible<?> request) {
    Object inBody = request.getExtra().remove("provider");
    return provider != null ? provider : inBody instanceof String name ? name : null;
  }

  /** The client of a configured provider, by name. */
  private AsyncClient client(String name) {
    AsyncClient client = clients.get(key(name));
    if (client == null) {
      throw new ProviderNotFoundException("Unknown provider '" + name + "'; known providers: " + names());
    }
    return client;
  }

  /** {@code /v1/models}: every listed model, owned by its provider. */
  JsonArray models() {
    JsonArray data = new JsonArray();
    options.getProviders().forEach(provider -> provider.models().forEach(id -> data.add(model(provider, id))));
    return data;
  }

  /** {@code /v1/models/{id}}, or null when no provider lists it. */
  JsonObject model(String id) {
    for (GatewayOptions.ProviderConfig provider : options.getProviders()) {
      if (provider.models().contains(id)) {
        return model(provider, id);
      }
    }
    return null;
  }

  /** {@code /v1/providers}: each provider, its models, and which serves chat by default and images. */
  JsonArray providers() {
    JsonArray data = new JsonArray();
    for (GatewayOptions.ProviderConfig provider : options.getProviders()) {
      data.add(new JsonObject().put("id", provider.name()).put("object", "provider")
          .put("models", new JsonArray(new ArrayList<>(provider.models())))
          .put("default", provider == options.getDefaultProvider())
          .put("images", provider == options.getImageProvider()));
    }
    return data;
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    clients.values().forEach(client -> closing.add(client.close()));
    return Future.join(closing).mapEmpty();
  }

  private String names() {
    return String.join(", ", options.getProviders().stream().map(GatewayOptions.ProviderConfig::name).toList());
  }

  private static JsonObject model(GatewayOptions.ProviderConfig provider, String id) {
    return new JsonObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", provider.name());
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
