package io.g4f.server;

import io.g4f.client.ClientOptions;
import io.g4f.client.provider.AzureOpenAiProvider;
import io.g4f.client.provider.Providers;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Options of a {@link GatewayVerticle}, in the Vert.x Options style. The provider part is read from
 * the gateway's config file, {@code {"providers":[{"name","type","baseUrl","apiKey","models"}],
 * "defaultProvider":..., "imageProvider":..., "corsOrigins":[...], "rateLimitPerMinute":N, "eventBusPrefix":...,
 * "keys":[...], "trustForwardedFor":false}};
 * without one, the gateway serves the providers whose keys are in the environment and the keyless
 * Pollinations (see {@link #fromEnvironment}).
 */
public class GatewayOptions {

  /** Default interface: {@value}, loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port: {@value}. */
  public static final int DEFAULT_PORT = 1337;
  /** Default largest request body: {@value} bytes. */
  public static final long DEFAULT_BODY_LIMIT = 10L * 1024 * 1024;
  /** Default time running requests get to finish at shutdown: {@value} ms. */
  public static final long DEFAULT_SHUTDOWN_TIMEOUT = 30_000;
  /** Default prefix of the event-bus addresses: {@value} ({@code g4f.chat.completions}, ...). */
  public static final String DEFAULT_EVENT_BUS_PREFIX = "g4f";
  /** Default time a stream waits for its event-bus caller's next pull before cancelling: {@value} ms. */
  public static final long DEFAULT_EVENT_BUS_TIMEOUT = 30_000;
  /** Default TCP event-bus bridge port: {@value}, no bridge. */
  public static final int DEFAULT_TCP_BRIDGE_PORT = -1;
  /** Default for serving the web playground at {@code /}: {@value}. */
  public static final boolean DEFAULT_PLAYGROUND = true;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String apiKey;
  private long bodyLimit = DEFAULT_BODY_LIMIT;
  /** Provider types besides {@code openai}: the built-in presets, whose base URL may be left out. */
  private static final List<String> PRESETS = Providers.builtIn().stream().map(Provider::name).toList();

  private final Map<String, ProviderConfig> providers = new LinkedHashMap<>();
  private String defaultProvider;
  private String imageProvider;
  private List<String> corsOrigins = new ArrayList<>();
  private long shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private int rateLimitPerMinute;
  private String eventBusPrefix = DEFAULT_EVENT_BUS_PREFIX;
  private long eventBusTimeout = DEFAULT_EVENT_BUS_TIMEOUT;
  private int tcpBridgePort = DEFAULT_TCP_BRIDGE_PORT;
  private boolean playground = DEFAULT_PLAYGROUND;
  private TeamKeys teamKeys = TeamKeys.NONE;
  private boolean trustForwardedFor;

  /** Options with the defaults. */
  public GatewayOptions() {
  }

  /** The interface to listen on. */
  public String getHost() {
    return host;
  }

  /** Sets the interface to listen on. */
  public GatewayOptions setHost(String host) {
    this.host = host;
    return this;
  }

  /** The port to listen on; 0 picks a free one. */
  public int getPort() {
    return port;
  }

  /** Sets the port. */
  public GatewayOptions setPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535");
    }
    this.port = port;
    return this;
  }

  /** The key clients must send, or null for an open gateway. */
  public String getApiKey() {
    return apiKey;
  }

  /** Sets the key clients must send ({@code Authorization: Bearer}, {@code x-api-key} or {@code g4f-api-key}). */
  public GatewayOptions setApiKey(String apiKey) {
    this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
    return this;
  }

  /** The largest request body accepted, in bytes; larger ones get 413. */
  public long getBodyLimit() {
    return bodyLimit;
  }

  /** Sets the body limit. */
  public GatewayOptions setBodyLimit(long bodyLimit) {
    this.bodyLimit = bodyLimit;
    return this;
  }

  /**
   * One upstream provider: its name, the client options that reach it, the models it lists, and
   * whether it also takes models it does not list (always so when it lists none).
   */
  public record ProviderConfig(String name, ClientOptions client, List<String> models, boolean takesAnyModel) {

    /** A provider. */
    public ProviderConfig {
      models = List.copyOf(models);
      takesAnyModel = takesAnyModel || models.isEmpty();
    }
  }

  /** The configured providers, in order. */
  public List<ProviderConfig> getProviders() {
    return List.copyOf(providers.values());
  }

  /**
   * Adds (or replaces) a provider that serves only {@code models}, or any model when the list is
   * empty; names are matched case-insensitively.
   */
  public GatewayOptions addProvider(String name, ClientOptions client, List<String> models) {
    return addProvider(name, client, models, false);
  }

  /** Adds (or replaces) a provider that lists {@code models} and, when {@code takesAnyModel}, serves others too. */
  public GatewayOptions addProvider(String name, ClientOptions client, List<String> models, boolean takesAnyModel) {
    providers.put(name.toLowerCase(Locale.ROOT), new ProviderConfig(name, client, models, takesAnyModel));
    return this;
  }

  /** The provider for chat completions whose model no provider lists: the one set, else the first. */
  public ProviderConfig getDefaultProvider() {
    return defaultProvider != null ? provider(defaultProvider) : providers.values().iterator().next();
  }

  /** Sets the default provider by name. */
  public GatewayOptions setDefaultProvider(String name) {
    this.defaultProvider = name;
    return this;
  }

  /** The provider for images: the one set, else the default provider. */
  public ProviderConfig getImageProvider() {
    return imageProvider != null ? provider(imageProvider) : getDefaultProvider();
  }

  /** Sets the image provider by name. */
  public GatewayOptions setImageProvider(String name) {
    this.imageProvider = name;
    return this;
  }

  /** The provider named {@code name} (case-insensitively), or null. */
  public ProviderConfig provider(String name) {
    return providers.get(name.toLowerCase(Locale.ROOT));
  }

  /** Origins allowed to call the gateway from a browser (CORS); empty, the default, turns CORS off. */
  public List<String> getCorsOrigins() {
    return corsOrigins;
  }

  /** Sets the CORS origins ({@code *} allows any). */
  public GatewayOptions setCorsOrigins(List<String> corsOrigins) {
    this.corsOrigins = new ArrayList<>(corsOrigins);
    return this;
  }

  /** How long running requests and streams may take to finish once shutdown begins, in ms. */
  public long getShutdownTimeout() {
    return shutdownTimeout;
  }

  /** Sets the shutdown timeout in ms. */
  public GatewayOptions setShutdownTimeout(long shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
    return this;
  }

  /**
   * Model calls (chat, images; over HTTP and the bridges) a minute each caller may make: per key name, or per
   * address on an open gateway; a team key's own {@code rpm} replaces it. 0, the default, means no limit.
   */
  public int getRateLimitPerMinute() {
    return rateLimitPerMinute;
  }

  /** Sets the per-caller rate limit; 0 turns it off. */
  public GatewayOptions setRateLimitPerMinute(int rateLimitPerMinute) {
    if (rateLimitPerMinute < 0) {
      throw new IllegalArgumentException("rateLimitPerMinute must be >= 0");
    }
    this.rateLimitPerMinute = rateLimitPerMinute;
    return this;
  }

  /** The prefix of the event-bus addresses ({@code PREFIX.chat.completions}, ...). */
  public String getEventBusPrefix() {
    return eventBusPrefix;
  }

  /** Sets the prefix of the event-bus addresses. */
  public GatewayOptions setEventBusPrefix(String eventBusPrefix) {
    if (eventBusPrefix == null || eventBusPrefix.isEmpty()) {
      throw new IllegalArgumentException("eventBusPrefix must not be empty");
    }
    this.eventBusPrefix = eventBusPrefix;
    return this;
  }

  /**
   * How long, in ms, an event-bus stream waits for its caller's next pull before it takes the caller
   * for gone and cancels the upstream; pulls are answered within half of it (empty when nothing came).
   */
  public long getEventBusTimeout() {
    return eventBusTimeout;
  }

  /** Sets the event-bus stream timeout in ms. */
  public GatewayOptions setEventBusTimeout(long eventBusTimeout) {
    if (eventBusTimeout < 2) {
      throw new IllegalArgumentException("eventBusTimeout must be at least 2 ms");
    }
    this.eventBusTimeout = eventBusTimeout;
    return this;
  }

  /** The port of the TCP event-bus bridge (on {@link #getHost()}): -1, the default, for none; 0 for any free port. */
  public int getTcpBridgePort() {
    return tcpBridgePort;
  }

  /** Sets the TCP event-bus bridge port; -1 turns the bridge off. */
  public GatewayOptions setTcpBridgePort(int tcpBridgePort) {
    if (tcpBridgePort < -1 || tcpBridgePort > 65535) {
      throw new IllegalArgumentException("tcpBridgePort must be -1 (off) or between 0 and 65535");
    }
    this.tcpBridgePort = tcpBridgePort;
    return this;
  }

  /** The team keys (config {@code keys}); none by default. */
  TeamKeys getTeamKeys() {
    return teamKeys;
  }

  /** Sets the team keys from a config {@code keys} array (null for none); see {@link TeamKeys#fromJson}. */
  public GatewayOptions setTeamKeys(JsonArray keys) {
    this.teamKeys = TeamKeys.fromJson(keys);
    return this;
  }

  /**
   * Whether the last {@code X-Forwarded-For} entry is taken as the caller's address (for per-address limits);
   * false, the default, ignores the header. Turn it on only behind a proxy that sets it.
   */
  public boolean isTrustForwardedFor() {
    return trustForwardedFor;
  }

  /** Sets whether {@code X-Forwarded-For} is trusted. */
  public GatewayOptions setTrustForwardedFor(boolean trustForwardedFor) {
    this.trustForwardedFor = trustForwardedFor;
    return this;
  }

  /**
   * Whether the gateway serves the web playground at {@code /} (its page and assets are public; the API
   * calls it makes need the api key like any other).
   */
  public boolean isPlayground() {
    return playground;
  }

  /** Sets whether the web playground is served. */
  public GatewayOptions setPlayground(boolean playground) {
    this.playground = playground;
    return this;
  }

  /**
   * Options for the environment alone: each built-in provider whose key variable is set
   * ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}, {@code GEMINI_API_KEY}, {@code GROQ_API_KEY}, ...;
   * Azure also needs {@code AZURE_OPENAI_ENDPOINT}), {@code OpenAI} also when only
   * {@code OPENAI_BASE_URL} is set (any OpenAI-compatible server), and the keyless Pollinations. Each
   * lists its known models and takes others too. Chat goes by default to the first of them, images
   * to the first that makes images.
   */
  public static GatewayOptions fromEnvironment(Map<String, String> env) {
    GatewayOptions options = new GatewayOptions();
    for (Provider provider : Providers.builtIn()) {
      String key = provider.apiKeyVariable() == null ? null : env.get(provider.apiKeyVariable());
      boolean openAiElsewhere = provider == Providers.OPENAI && env.get("OPENAI_BASE_URL") != null;
      boolean azureWithoutEndpoint = provider == Providers.AZURE
          && env.get(AzureOpenAiProvider.ENDPOINT_VARIABLE) == null;
      if ((key != null || openAiElsewhere) && !azureWithoutEndpoint) {
        ClientOptions client = new ClientOptions().setProvider(provider.name()).setApiKey(key);
        if (openAiElsewhere) {
          client.setBaseUrl(env.get("OPENAI_BASE_URL"));
        } else if (provider == Providers.AZURE) {
          client.setBaseUrl(env.get(AzureOpenAiProvider.ENDPOINT_VARIABLE));
        }
        options.addProvider(provider.name(), client, openAiElsewhere ? List.of() : provider.models(), true);
      }
    }
    Provider keyless = Providers.POLLINATIONS;
    options.addProvider(keyless.name(), new ClientOptions().setProvider(keyless.name()), keyless.models(), true);
    Providers.builtIn().stream()
        .filter(provider -> provider.capabilities().contains(Capability.IMAGES) && options.provider(provider.name()) != null)
        .findFirst().ifPresent(provider -> options.setImageProvider(provider.name()));
    return options;
  }

  /**
   * Applies a config file's provider section. Each provider needs a {@code name} and a {@code type}:
   * {@code openai} (any OpenAI-compatible server; {@code baseUrl} required) or a preset such as
   * {@code Groq} or {@code Ollama} ({@code baseUrl} optional); {@code apiKey} and {@code models} are optional.
   *
   * @throws IllegalArgumentException naming the offending field
   */
  public GatewayOptions applyConfig(JsonObject config) {
    JsonArray list = field(config, "providers", JsonArray.class, true);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("providers must list at least one provider");
    }
    providers.clear();
    for (int i = 0; i < list.size(); i++) {
      String where = "providers[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject provider)) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      String name = field(provider, "name", String.class, true, where);
      String type = field(provider, "type", String.class, true, where);
      boolean generic = type.equalsIgnoreCase("openai");
      if (!generic && PRESETS.stream().noneMatch(preset -> preset.equalsIgnoreCase(type))) {
        throw new IllegalArgumentException(where + ".type '" + type + "' is not supported (supported: openai, "
            + String.join(", ", PRESETS) + ")");
      }
      ClientOptions client = new ClientOptions().setProvider(generic ? "OpenAI" : type)
          .setBaseUrl(field(provider, "baseUrl", String.class, generic, where))
          .setApiKey(field(provider, "apiKey", String.class, false, where));
      addProvider(name, client, strings(provider, "models", where));
    }
    defaultProvider = configured(config, "defaultProvider");
    imageProvider = configured(config, "imageProvider");
    Object rateLimit = config.getValue("rateLimitPerMinute");
    if (rateLimit != null) {
      if (!(rateLimit instanceof Integer perMinute) || perMinute < 0) {
        throw new IllegalArgumentException("rateLimitPerMinute must be a non-negative integer");
      }
      rateLimitPerMinute = perMinute;
    }
    corsOrigins = strings(config, "corsOrigins", null);
    setTeamKeys(field(config, "keys", JsonArray.class, false));
    Object trust = config.getValue("trustForwardedFor");
    if (trust != null) {
      if (!(trust instanceof Boolean trusted)) {
        throw new IllegalArgumentException("trustForwardedFor must be a boolean");
      }
      trustForwardedFor = trusted;
    }
    String prefix = field(config, "eventBusPrefix", String.class, false);
    if (prefix != null) {
      setEventBusPrefix(prefix);
    }
    return this;
  }

  private String configured(JsonObject config, String field) {
    String name = field(config, field, String.class, false);
    if (name != null && provider(name) == null) {
      throw new IllegalArgumentException(field + " '" + name + "' is not one of the configured providers");
    }
    return name;
  }

  private static List<String> strings(JsonObject json, String name, String where) {
    JsonArray array = field(json, name, JsonArray.class, false, where);
    List<String> values = new ArrayList<>();
    for (int i = 0; array != null && i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String value)) {
        throw new IllegalArgumentException((where == null ? "" : where + ".") + name + "[" + i + "] must be a string");
      }
      values.add(value);
    }
    return values;
  }

  private static <T> T field(JsonObject json, String name, Class<T> type, boolean required) {
    return field(json, name, type, required, null);
  }

  private static <T> T field(JsonObject json, String name, Class<T> type, boolean required, String where) {
    String path = where == null ? name : where + "." + name;
    Object value = json.getValue(name);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(path + " is required");
      }
      return null;
    }
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(path + " must be " + (type == String.class ? "a string" : "an array"));
    }
    return type.cast(value);
  }
}
