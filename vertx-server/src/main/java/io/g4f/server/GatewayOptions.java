package io.g4f.server;

import io.g4f.client.ClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Options of a {@link GatewayVerticle}, in the Vert.x Options style. The provider part is read from
 * the gateway's config file, {@code {"providers":[{"name","type","baseUrl","apiKey","models"}],
 * "defaultProvider":..., "imageProvider":..., "corsOrigins":[...], "rateLimitPerMinute":N}}; without one, the gateway serves the OpenAI-compatible
 * provider named by the {@code OPENAI_BASE_URL} and {@code OPENAI_API_KEY} environment variables.
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

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String apiKey;
  private long bodyLimit = DEFAULT_BODY_LIMIT;
  private ClientOptions chatClient = new ClientOptions();
  private ClientOptions imageClient = new ClientOptions();
  private String chatProviderName = "OpenAI";
  private String imageProviderName = "OpenAI";
  private List<String> models = new ArrayList<>();
  private List<String> corsOrigins = new ArrayList<>();
  private long shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private int rateLimitPerMinute;

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

  /** Client options for chat completions. */
  public ClientOptions getChatClient() {
    return chatClient;
  }

  /** Sets the client options for chat completions, naming the provider as clients see it. */
  public GatewayOptions setChatClient(String providerName, ClientOptions chatClient) {
    this.chatProviderName = providerName;
    this.chatClient = chatClient;
    return this;
  }

  /** Client options for image generation. */
  public ClientOptions getImageClient() {
    return imageClient;
  }

  /** Sets the client options for image generation, naming the provider as clients see it. */
  public GatewayOptions setImageClient(String providerName, ClientOptions imageClient) {
    this.imageProviderName = providerName;
    this.imageClient = imageClient;
    return this;
  }

  /** The chat provider's name, as {@code /v1/providers} and {@code owned_by} show it. */
  public String getChatProviderName() {
    return chatProviderName;
  }

  /** The image provider's name. */
  public String getImageProviderName() {
    return imageProviderName;
  }

  /** The models {@code /v1/models} lists. */
  public List<String> getModels() {
    return models;
  }

  /** Sets the models {@code /v1/models} lists. */
  public GatewayOptions setModels(List<String> models) {
    this.models = new ArrayList<>(models);
    return this;
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

  /** Requests a minute each caller (key, or address when open) may make; 0, the default, means no limit. */
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

  /** Options for the environment alone: {@code OPENAI_BASE_URL} and {@code OPENAI_API_KEY}. */
  public static GatewayOptions fromEnvironment(Map<String, String> env) {
    ClientOptions client = new ClientOptions().setBaseUrl(env.get("OPENAI_BASE_URL")).setApiKey(env.get("OPENAI_API_KEY"));
    return new GatewayOptions().setChatClient("OpenAI", client).setImageClient("OpenAI", new ClientOptions(client));
  }

  /**
   * Applies a config file's provider section. Each provider needs a {@code name}, a {@code type}
   * ({@code openai} for now) and a {@code baseUrl}; {@code apiKey} and {@code models} are optional.
   *
   * @throws IllegalArgumentException naming the offending field
   */
  public GatewayOptions applyConfig(JsonObject config) {
    JsonArray providers = field(config, "providers", JsonArray.class, true);
    List<String> listed = new ArrayList<>();
    JsonObject first = null;
    for (int i = 0; i < providers.size(); i++) {
      String where = "providers[" + i + "]";
      if (!(providers.getValue(i) instanceof JsonObject provider)) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      field(provider, "name", String.class, true, where);
      String type = field(provider, "type", String.class, true, where);
      if (!type.equalsIgnoreCase("openai")) {
        throw new IllegalArgumentException(where + ".type '" + type + "' is not supported (supported: openai)");
      }
      field(provider, "baseUrl", String.class, true, where);
      field(provider, "apiKey", String.class, false, where);
      JsonArray models = field(provider, "models", JsonArray.class, false, where);
      if (models != null) {
        for (int m = 0; m < models.size(); m++) {
          if (!(models.getValue(m) instanceof String model)) {
            throw new IllegalArgumentException(where + ".models[" + m + "] must be a string");
          }
          listed.add(model);
        }
      }
      first = first == null ? provider : first;
    }
    if (first == null) {
      throw new IllegalArgumentException("providers must list at least one provider");
    }
    JsonObject chat = provider(providers, field(config, "defaultProvider", String.class, false), "defaultProvider", first);
    JsonObject image = provider(providers, field(config, "imageProvider", String.class, false), "imageProvider", chat);
    models = listed;
    Object rateLimit = config.getValue("rateLimitPerMinute");
    if (rateLimit != null) {
      if (!(rateLimit instanceof Integer perMinute) || perMinute < 0) {
        throw new IllegalArgumentException("rateLimitPerMinute must be a non-negative integer");
      }
      rateLimitPerMinute = perMinute;
    }
    JsonArray cors = field(config, "corsOrigins", JsonArray.class, false);
    if (cors != null) {
      List<String> origins = new ArrayList<>();
      for (int i = 0; i < cors.size(); i++) {
        if (!(cors.getValue(i) instanceof String origin)) {
          throw new IllegalArgumentException("corsOrigins[" + i + "] must be a string");
        }
        origins.add(origin);
      }
      corsOrigins = origins;
    }
    setChatClient(chat.getString("name"), clientOptions(chat));
    return setImageClient(image.getString("name"), clientOptions(image));
  }

  private static ClientOptions clientOptions(JsonObject provider) {
    return new ClientOptions().setBaseUrl(provider.getString("baseUrl")).setApiKey(provider.getString("apiKey"));
  }

  private static JsonObject provider(JsonArray providers, String name, String field, JsonObject fallback) {
    if (name == null) {
      return fallback;
    }
    for (Object candidate : providers) {
      if (name.equalsIgnoreCase(((JsonObject) candidate).getString("name"))) {
        return (JsonObject) candidate;
      }
    }
    throw new IllegalArgumentException(field + " '" + name + "' is not one of the configured providers");
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
