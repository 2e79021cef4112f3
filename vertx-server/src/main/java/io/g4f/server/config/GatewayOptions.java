package io.g4f.server.config;

import io.g4f.client.ClientOptions;
import io.g4f.client.ProviderEntry;
import io.g4f.client.errors.ProviderNotFoundException;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Options of a {@link io.g4f.server.GatewayVerticle}, in the Vert.x Options style. The provider part is read from
 * the gateway's config file, {@code {"providers":[{"name","type","baseUrl","apiKey","models","http2"}],
 * "defaultProvider":..., "imageProvider":..., "models":{GROUP:{"strategy","targets":[{"provider","model","weight"}],
 * "fallbackOn","timeout","retries"}}, "circuitBreaker":{"failureThreshold","coolDown"}, "corsOrigins":[...],
 * "rateLimitPerMinute":N, "eventBusPrefix":..., "keys":[...], "trustForwardedFor":false, "playground":true,
 * "timeouts":{"connect","idle","total"}, "retries":N, "shutdownTimeout":MS, "allowedPrivateImageHosts":[...],
 * "imageRetention":{"maxFiles","maxAge"}, "eventLoops":N, "prices":{MODEL:{...}}, "ledger":{...}}} (timeouts and retries also per provider: {@link UpstreamLimits})
 * (see {@link #applyConfig}, {@code docs/routing.md});
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
  /** Default number of event loops serving HTTP: one per processor. */
  public static final int DEFAULT_EVENT_LOOPS = Runtime.getRuntime().availableProcessors();
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
  /** Default consecutive failures that open a target's circuit: {@value}. */
  public static final int DEFAULT_BREAKER_FAILURE_THRESHOLD = 5;
  /** Default time an open circuit stays open before one probe: {@value} ms. */
  public static final long DEFAULT_BREAKER_COOL_DOWN = 30_000;
  /** Default most generated images kept in the images directory: {@value}. */
  public static final int DEFAULT_IMAGE_MAX_FILES = 1000;
  /** Default time a generated image is served and kept: {@value} ms (a day). */
  public static final long DEFAULT_IMAGE_MAX_AGE = 86_400_000;

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String apiKey;
  private long bodyLimit = DEFAULT_BODY_LIMIT;
  private final Map<String, ProviderConfig> providers = new LinkedHashMap<>();
  private UpstreamLimits upstreamLimits = UpstreamLimits.NONE;
  private final Map<String, UpstreamLimits> providerLimits = new LinkedHashMap<>();
  private String defaultProvider;
  private String imageProvider;
  private List<String> corsOrigins = new ArrayList<>();
  private long shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private int eventLoops = DEFAULT_EVENT_LOOPS;
  private int rateLimitPerMinute;
  private String eventBusPrefix = DEFAULT_EVENT_BUS_PREFIX;
  private long eventBusTimeout = DEFAULT_EVENT_BUS_TIMEOUT;
  private int tcpBridgePort = DEFAULT_TCP_BRIDGE_PORT;
  private boolean playground = DEFAULT_PLAYGROUND;
  private TeamKeys teamKeys = TeamKeys.NONE;
  private PriceTable prices = PriceTable.defaults();
  private LedgerOptions ledger;
  private boolean trustForwardedFor;
  private final Map<String, ModelGroup> modelGroups = new LinkedHashMap<>();
  private int breakerFailureThreshold = DEFAULT_BREAKER_FAILURE_THRESHOLD;
  private long breakerCoolDown = DEFAULT_BREAKER_COOL_DOWN;
  private List<String> allowedPrivateImageHosts = List.of();
  private int imageMaxFiles = DEFAULT_IMAGE_MAX_FILES;
  private long imageMaxAge = DEFAULT_IMAGE_MAX_AGE;
  private Clock clock = Clock.systemUTC();
  private ProviderRegistry providerRegistry;
  private Random random = new Random();
  private PrometheusMeterRegistry meterRegistry;
  private OpenTelemetry openTelemetry = OpenTelemetry.noop();

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

    /**
     * The name of the provider type whose protocol it speaks: the type of its client's provider entry (a config
     * file's providers are entries, named as configured), else its client's provider.
     */
    public String typeName() {
      return client.getProviders().stream().filter(entry -> entry.getName().equalsIgnoreCase(client.getProvider()))
          .findFirst().map(ProviderEntry::getType).orElse(client.getProvider());
    }

    /** The provider of {@code registry} named {@link #typeName()}, or null. */
    public Provider type(ProviderRegistry registry) {
      String name = typeName();
      return registry.providers().stream().filter(type -> type.name().equalsIgnoreCase(name)).findFirst().orElse(null);
    }
  }

  /**
   * The registry the gateway's clients look provider names up in: by default {@link ProviderRegistry#standard()}
   * (the built-in providers and those {@link java.util.ServiceLoader} finds on the class path), plus the provider
   * classes a config {@code type} names.
   */
  public ProviderRegistry getProviderRegistry() {
    if (providerRegistry == null) {
      providerRegistry = ProviderRegistry.standard();
    }
    return providerRegistry;
  }

  /** Sets the registry the gateway's clients look provider names up in. */
  public GatewayOptions setProviderRegistry(ProviderRegistry providerRegistry) {
    this.providerRegistry = providerRegistry;
    return this;
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

  /**
   * Adds (or replaces) a provider that lists {@code models} and, when {@code takesAnyModel}, serves others too. A
   * client whose provider is a type of another name (an OpenAI-compatible server added as {@code "alpha"}, say) gets
   * an entry of that type named {@code name}, so that errors and answers name the provider as it was added, as a
   * config file's providers are named.
   */
  public GatewayOptions addProvider(String name, ClientOptions client, List<String> models, boolean takesAnyModel) {
    providers.put(name.toLowerCase(Locale.ROOT), new ProviderConfig(name, named(name, client), models, takesAnyModel));
    return this;
  }

  /**
   * {@code client}, or a copy whose provider is an entry called {@code name} of the type its provider names; a list
   * of providers, "any provider" and an entry of its own stay as they are.
   */
  private static ClientOptions named(String name, ClientOptions client) {
    String type = client.getProvider().trim();
    boolean oneType = !type.isEmpty() && !type.contains(" ") && !type.contains(",")
        && !type.equalsIgnoreCase("any") && !type.equalsIgnoreCase("anyprovider")
        && client.getProviders().stream().noneMatch(entry -> entry.getName().equalsIgnoreCase(type));
    if (!oneType || type.equalsIgnoreCase(name)) {
      return client;
    }
    ProviderEntry entry = new ProviderEntry(name, type);
    client.getApiKeys().entrySet().stream().filter(key -> key.getKey().equalsIgnoreCase(type)).findFirst()
        .ifPresent(key -> entry.setApiKey(key.getValue())); // a key given for the type is the entry's
    return new ClientOptions(client).addProvider(entry).setProvider(name);
  }

  /** Timeouts and retries of every provider that its own config entry does not set. */
  public UpstreamLimits getUpstreamLimits() {
    return upstreamLimits;
  }

  /** Sets the timeouts and retries of every provider (a provider's own config entry wins field by field). */
  public GatewayOptions setUpstreamLimits(UpstreamLimits upstreamLimits) {
    this.upstreamLimits = java.util.Objects.requireNonNull(upstreamLimits);
    return this;
  }

  /**
   * The options a client of {@code provider} is created with: its own, with its timeouts and retries applied, the
   * gateway's circuit breaker settings (for the calls no routing target guards, images), the gateway's
   * {@linkplain #getAllowedPrivateImageHosts() allowed private image hosts} added, and images stored in the image
   * provider's images directory (the one {@code /images/} serves).
   */
  public ClientOptions clientOptions(ProviderConfig provider) {
    ClientOptions client = providerLimits.getOrDefault(provider.name().toLowerCase(Locale.ROOT), UpstreamLimits.NONE)
        .over(upstreamLimits).applyTo(provider.client());
    List<String> allowed = new ArrayList<>(client.getAllowedPrivateImageHosts());
    allowed.addAll(allowedPrivateImageHosts);
    return client.setAllowedPrivateImageHosts(allowed).setStoreImages(true)
        .setCircuitBreakerFailures(breakerFailureThreshold).setCircuitBreakerResetTimeout(breakerCoolDown)
        .setImagesDir(getImageProvider().client().getImagesDir());
  }

  /**
   * The private hosts a caller's image URL may reach when the gateway downloads it (for a provider that takes image
   * bytes: {@code OllamaNative}); see {@link ClientOptions#getAllowedPrivateImageHosts()}. Empty by default: only
   * public addresses, since the gateway's callers are not trusted with its network.
   */
  public List<String> getAllowedPrivateImageHosts() {
    return allowedPrivateImageHosts;
  }

  /**
   * Sets the private hosts image URLs may reach: host names, IP addresses, CIDR ranges.
   *
   * @throws IllegalArgumentException naming an entry that is none of these
   */
  public GatewayOptions setAllowedPrivateImageHosts(List<String> hosts) {
    this.allowedPrivateImageHosts = new ClientOptions().setAllowedPrivateImageHosts(hosts).getAllowedPrivateImageHosts();
    return this;
  }

  /** The most generated images kept in the images directory (the newest); see {@code ImageFiles}. */
  public int getImageMaxFiles() {
    return imageMaxFiles;
  }

  /** Sets the most generated images kept (1 or more). */
  public GatewayOptions setImageMaxFiles(int imageMaxFiles) {
    if (imageMaxFiles < 1) {
      throw new IllegalArgumentException("imageRetention.maxFiles must be >= 1");
    }
    this.imageMaxFiles = imageMaxFiles;
    return this;
  }

  /** How long, in ms, a generated image is served and kept. */
  public long getImageMaxAge() {
    return imageMaxAge;
  }

  /** Sets how long a generated image is served and kept, in ms (1 or more). */
  public GatewayOptions setImageMaxAge(long imageMaxAge) {
    if (imageMaxAge < 1) {
      throw new IllegalArgumentException("imageRetention.maxAge must be >= 1");
    }
    this.imageMaxAge = imageMaxAge;
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

  /**
   * The configured provider {@code name} (case-insensitively).
   *
   * @throws ProviderNotFoundException naming the configured providers when there is none
   */
  public ProviderConfig requireProvider(String name) {
    ProviderConfig provider = provider(name);
    if (provider == null) {
      throw new ProviderNotFoundException("Unknown provider '" + name + "'; known providers: " + String.join(", ",
          getProviders().stream().map(ProviderConfig::name).toList()));
    }
    return provider;
  }

  /** The configured provider {@code name} (case-insensitively), or null. */
  public ProviderConfig provider(String name) {
    return providers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The model groups, in order. */
  public List<ModelGroup> getModelGroups() {
    return List.copyOf(modelGroups.values());
  }

  /** The model group named {@code name} (exactly), or null. */
  public ModelGroup modelGroup(String name) {
    return name == null ? null : modelGroups.get(name);
  }

  /**
   * Adds (or replaces) a model group; its providers must be added first.
   *
   * @throws IllegalArgumentException naming a target whose provider is not configured
   */
  public GatewayOptions addModelGroup(ModelGroup group) {
    for (int i = 0; i < group.targets().size(); i++) {
      String name = group.targets().get(i).provider();
      if (provider(name) == null) {
        throw new IllegalArgumentException("models." + group.name() + ".targets[" + i + "].provider '" + name
            + "' is not one of the configured providers"
            + ConfigReader.suggestion(name, getProviders().stream().map(ProviderConfig::name).toList()));
      }
    }
    modelGroups.put(group.name(), group);
    return this;
  }

  /** Consecutive provider-side failures (connection errors, timeouts, 429, 5xx) that open a target's circuit. */
  public int getBreakerFailureThreshold() {
    return breakerFailureThreshold;
  }

  /** Sets the failures that open a circuit (1 or more). */
  public GatewayOptions setBreakerFailureThreshold(int breakerFailureThreshold) {
    if (breakerFailureThreshold < 1) {
      throw new IllegalArgumentException("breakerFailureThreshold must be >= 1");
    }
    this.breakerFailureThreshold = breakerFailureThreshold;
    return this;
  }

  /** How long, in ms, an open circuit skips its target before letting one probe request through. */
  public long getBreakerCoolDown() {
    return breakerCoolDown;
  }

  /** Sets the cool-down in ms (1 or more). */
  public GatewayOptions setBreakerCoolDown(long breakerCoolDown) {
    if (breakerCoolDown < 1) {
      throw new IllegalArgumentException("breakerCoolDown must be >= 1");
    }
    this.breakerCoolDown = breakerCoolDown;
    return this;
  }

  /** The clock of circuit cool-downs, target latencies and image ages; the system's UTC clock by default. */
  public Clock getClock() {
    return clock;
  }

  /** Sets the clock (tests move time by hand). */
  public GatewayOptions setClock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** The randomness of weighted groups; tests set a seeded one. */
  public Random getRandom() {
    return random;
  }

  /** Sets the randomness of weighted groups. */
  public GatewayOptions setRandom(Random random) {
    this.random = random;
    return this;
  }

  /**
   * The registry {@code /metrics} serves, or null (the default) for one of the gateway's own; give the registry of
   * the Vert.x instance's Micrometer metrics to serve Vert.x's metrics too.
   */
  public PrometheusMeterRegistry getMeterRegistry() {
    return meterRegistry;
  }

  /** Sets the registry {@code /metrics} serves. */
  public GatewayOptions setMeterRegistry(PrometheusMeterRegistry meterRegistry) {
    this.meterRegistry = meterRegistry;
    return this;
  }

  /**
   * The OpenTelemetry whose tracer records one span per upstream attempt, with GenAI attributes (never prompts,
   * answers or keys); no-op by default. Give the one the Vert.x instance traces with, so attempts are children of
   * its HTTP server and event-bus spans.
   */
  public OpenTelemetry getOpenTelemetry() {
    return openTelemetry;
  }

  /** Sets the OpenTelemetry of upstream attempt spans; null for none. */
  public GatewayOptions setOpenTelemetry(OpenTelemetry openTelemetry) {
    this.openTelemetry = openTelemetry == null ? OpenTelemetry.noop() : openTelemetry;
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
    if (shutdownTimeout < 0) {
      throw new IllegalArgumentException("shutdownTimeout must be >= 0");
    }
    this.shutdownTimeout = shutdownTimeout;
    return this;
  }

  /**
   * How many event loops serve HTTP, each with an HTTP server on the gateway's port (connections are spread over
   * them) and its own connections to the providers (each loop may open its share of a provider's
   * {@code maxConnections}); routing state, limits and metrics are the gateway's. The event bus API is served on
   * one of them. Default: one per processor ({@link #DEFAULT_EVENT_LOOPS}); more than the Vert.x instance's event
   * loops gains nothing.
   */
  public int getEventLoops() {
    return eventLoops;
  }

  /** Sets the number of event loops serving HTTP, at least 1. */
  public GatewayOptions setEventLoops(int eventLoops) {
    if (eventLoops < 1) {
      throw new IllegalArgumentException("eventLoops must be >= 1");
    }
    this.eventLoops = eventLoops;
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
  public TeamKeys getTeamKeys() {
    return teamKeys;
  }

  /** Sets the team keys from a config {@code keys} array (null for none); see {@link TeamKeys#fromJson}. */
  public GatewayOptions setTeamKeys(JsonArray keys) {
    this.teamKeys = TeamKeys.fromJson(keys);
    return this;
  }

  /** The model prices: the default table, with the config's {@code prices} over it ({@link PriceTable}). */
  public PriceTable getPrices() {
    return prices;
  }

  /**
   * Sets the config's {@code prices} object over the default table (null: the default table alone).
   *
   * @throws IllegalArgumentException naming the entry or field that does not fit
   */
  public GatewayOptions setPrices(JsonObject prices) {
    this.prices = prices == null ? PriceTable.defaults() : PriceTable.over(PriceTable.defaults(), prices, "prices");
    return this;
  }

  /** Where the spend ledger is kept; null, the default here (the command line's is the embedded file), for none. */
  public LedgerOptions getLedger() {
    return ledger;
  }

  /** Sets where the spend ledger is kept (null: none). */
  public GatewayOptions setLedger(LedgerOptions ledger) {
    this.ledger = ledger;
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
    return EnvironmentProviders.options(env);
  }

  /**
   * Applies a config file ({@link ConfigFile}: every key at every level must be known).
   *
   * @throws IllegalArgumentException naming the offending field (and, for a misspelt name, the closest known one)
   */
  public GatewayOptions applyConfig(JsonObject config) {
    return ConfigFile.apply(this, config);
  }

  /** Forgets the providers, their limits and the model groups, for a config file that lists its own. */
  void clearProviders() {
    providers.clear();
    providerLimits.clear();
    modelGroups.clear();
  }

  /** Sets the timeouts and retries of the configured provider {@code name}, over the gateway's. */
  void setProviderLimits(String name, UpstreamLimits limits) {
    providerLimits.put(name.toLowerCase(Locale.ROOT), limits);
  }
}
