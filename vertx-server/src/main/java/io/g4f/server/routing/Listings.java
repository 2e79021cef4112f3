package io.g4f.server.routing;

import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.ModelGroup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gateway says of its providers and models: {@code /v1/models} (and {@code PREFIX.models}),
 * {@code /v1/providers} with each target's breaker state, the providers readiness counts as available, and what a
 * target's provider can do ({@link Capability}). Shared by every event loop.
 */
public final class Listings {

  private final GatewayOptions options;
  private final Targets targets;

  public Listings(GatewayOptions options, Targets targets) {
    this.options = options;
    this.targets = targets;
  }

  /**
   * {@code /v1/models}: each model a provider lists, once (owned by the first that lists it), and each model group;
   * each says whether it makes {@code embeddings} (a group: when one of its targets does).
   */
  public JsonArray models() {
    Map<String, JsonObject> models = new LinkedHashMap<>();
    options.getProviders().forEach(provider -> provider.models().forEach(id -> models.putIfAbsent(id,
        new JsonObject().put("id", id).put("object", "model").put("created", 0).put("owned_by", provider.name())
            .put("embeddings", embeds(provider.name(), id)))));
    options.getModelGroups().forEach(group -> models.put(group.name(), group(group)
        .put("embeddings", group.targets().stream().anyMatch(target -> embeds(target.provider(), target.model())))));
    return new JsonArray(new ArrayList<>(models.values()));
  }

  /** Whether the configured provider {@code name} makes embeddings with {@code model} ({@link Provider#embeds}). */
  private boolean embeds(String name, String model) {
    Provider type = type(name);
    return type != null && model != null && type.embeds(model);
  }

  /** Whether {@code target}'s provider has {@code capability} ({@link Capability#MESSAGES}, say). */
  public boolean can(Target target, Capability capability) {
    Provider type = type(target.provider());
    return type != null && type.capabilities().contains(capability);
  }

  /** The registry's provider that the configured provider {@code name} is of, or null. */
  private Provider type(String name) {
    GatewayOptions.ProviderConfig provider = options.provider(name);
    if (provider == null) {
      return null;
    }
    return provider.type(options.getProviderRegistry());
  }

  /** {@code /v1/models/{id}}: the group or model {@code id}, or null when there is neither. */
  public JsonObject model(String id) {
    return models().stream().map(JsonObject.class::cast).filter(model -> model.getString("id").equals(id))
        .findFirst().orElse(null);
  }

  private static JsonObject group(ModelGroup group) {
    JsonArray targets = new JsonArray();
    group.targets().forEach(target -> targets.add(new JsonObject().put("provider", target.provider())
        .put("model", target.model()).put("weight", target.weight())));
    return new JsonObject().put("id", group.name()).put("object", "model").put("created", 0).put("owned_by", "gateway")
        .put("strategy", group.strategy().configName()).put("targets", targets);
  }

  /**
   * The configured providers that may take a request: those with no kept target yet, or with a kept target whose
   * circuit is not open; empty when every provider's circuits are open.
   */
  public List<String> availableProviders() {
    List<Target> known = targets.known();
    return options.getProviders().stream().map(GatewayOptions.ProviderConfig::name).filter(name -> {
      List<Target> own = known.stream().filter(target -> target.provider().equals(name)).toList();
      return own.isEmpty() || own.stream().anyMatch(target -> target.state() != Target.State.OPEN);
    }).toList();
  }

  /** {@code /v1/providers}: each provider, its models, whether it serves chat by default and images, and its targets' state. */
  public JsonArray providers() {
    JsonArray data = new JsonArray();
    List<Target> known = targets.known();
    for (GatewayOptions.ProviderConfig provider : options.getProviders()) {
      JsonArray states = new JsonArray();
      known.stream().filter(target -> target.provider().equals(provider.name())).forEach(target -> states.add(target.toJson()));
      data.add(new JsonObject().put("id", provider.name()).put("object", "provider")
          .put("models", new JsonArray(new ArrayList<>(provider.models())))
          .put("default", provider == options.getDefaultProvider())
          .put("images", provider == options.getImageProvider())
          .put("targets", states));
    }
    return data;
  }
}
