package io.g4f.client;

import io.g4f.client.impl.ImageUrlGuard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Options of an {@link AsyncClient} (or a blocking {@link Client}), in the Vert.x Options style:
 * {@code DEFAULT_*} constants, fluent setters, a copy constructor and a JSON form whose keys are the
 * property names ({@code provider}, {@code apiKey}, {@code connectTimeout}, ...). Timeouts are in
 * milliseconds.
 *
 * <p>{@link #toJson()} includes the API key and proxy credentials, as configuration must; do not log it.
 */
public class ClientOptions {

  /** The default chat provider: {@value}. */
  public static final String DEFAULT_PROVIDER = "OpenAI";
  /** Default time to establish a connection: {@value} ms. */
  public static final long DEFAULT_CONNECT_TIMEOUT = 10_000;
  /** Default longest silence of a provider while an answer is awaited or streamed: {@value} ms. */
  public static final long DEFAULT_IDLE_TIMEOUT = 120_000;
  /** Default longest wait of one attempt for the provider's first byte: {@value}, none (the idle timeout bounds it). */
  public static final long DEFAULT_FIRST_BYTE_TIMEOUT = 0;
  /** Default longest time for a whole call, retries included: {@value} ms. */
  public static final long DEFAULT_TOTAL_TIMEOUT = 600_000;
  /** Default number of retries after a retryable failure: {@value}. */
  public static final int DEFAULT_MAX_RETRIES = 2;
  /**
   * Default largest number of connections to one provider address: {@value}. A streamed answer holds an
   * HTTP/1.1 connection until it ends, so this bounds the concurrent HTTP/1.1 streams per provider (a gateway
   * holds thousands); the pool costs about 4 bytes a slot.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Default consecutive provider-side failures that open a provider's circuit: {@value}. */
  public static final int DEFAULT_CIRCUIT_BREAKER_FAILURES = 5;
  /** Default time an open circuit stays open before one trial call, in ms: {@value}. */
  public static final long DEFAULT_CIRCUIT_BREAKER_RESET_TIMEOUT = 30_000;
  /** Default directory for images returned as {@code file:} URLs: {@code g4f-images} in the temp dir. */
  public static final String DEFAULT_IMAGES_DIR =
      Path.of(System.getProperty("java.io.tmpdir"), "g4f-images").toString();

  private @Nullable String provider;
  private List<ProviderEntry> providers = new ArrayList<>();
  private @Nullable String imageProvider;
  private @Nullable String apiKey;
  private @Nullable String proxy;
  private @Nullable String baseUrl;
  private long connectTimeout;
  private long idleTimeout;
  private long firstByteTimeout;
  private long totalTimeout;
  private int maxRetries;
  private int maxConnections;
  private int circuitBreakerFailures;
  private long circuitBreakerResetTimeout;
  private String imagesDir;
  private @Nullable String trustedCertificates;
  private Map<String, String> apiKeys = new LinkedHashMap<>();
  private boolean shuffleProviders;
  private List<String> allowedPrivateImageHosts = List.of();
  private boolean storeImages;
  private boolean http2;

  /** Options with the defaults. */
  public ClientOptions() {
    connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    idleTimeout = DEFAULT_IDLE_TIMEOUT;
    firstByteTimeout = DEFAULT_FIRST_BYTE_TIMEOUT;
    totalTimeout = DEFAULT_TOTAL_TIMEOUT;
    maxRetries = DEFAULT_MAX_RETRIES;
    maxConnections = DEFAULT_MAX_CONNECTIONS;
    circuitBreakerFailures = DEFAULT_CIRCUIT_BREAKER_FAILURES;
    circuitBreakerResetTimeout = DEFAULT_CIRCUIT_BREAKER_RESET_TIMEOUT;
    imagesDir = DEFAULT_IMAGES_DIR;
  }

  /** A copy of {@code other}. */
  public ClientOptions(ClientOptions other) {
    provider = other.provider;
    other.providers.forEach(entry -> providers.add(new ProviderEntry(entry)));
    imageProvider = other.imageProvider;
    apiKey = other.apiKey;
    proxy = other.proxy;
    baseUrl = other.baseUrl;
    connectTimeout = other.connectTimeout;
    idleTimeout = other.idleTimeout;
    firstByteTimeout = other.firstByteTimeout;
    totalTimeout = other.totalTimeout;
    maxRetries = other.maxRetries;
    maxConnections = other.maxConnections;
    circuitBreakerFailures = other.circuitBreakerFailures;
    circuitBreakerResetTimeout = other.circuitBreakerResetTimeout;
    imagesDir = other.imagesDir;
    trustedCertificates = other.trustedCertificates;
    apiKeys = new LinkedHashMap<>(other.apiKeys);
    shuffleProviders = other.shuffleProviders;
    allowedPrivateImageHosts = other.allowedPrivateImageHosts;
    storeImages = other.storeImages;
    http2 = other.http2;
  }

  /** Options from JSON; absent keys keep their defaults. */
  public ClientOptions(JsonObject json) {
    this();
    provider = json.getString("provider", provider);
    JsonArray entries = json.getJsonArray("providers");
    if (entries != null) {
      for (int i = 0; i < entries.size(); i++) {
        if (!(entries.getValue(i) instanceof JsonObject entry)) {
          throw new IllegalArgumentException("providers[" + i + "] must be an object");
        }
        try {
          providers.add(new ProviderEntry(entry));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("providers[" + i + "]: " + e.getMessage(), e);
        }
      }
    }
    imageProvider = json.getString("imageProvider", imageProvider);
    apiKey = json.getString("apiKey", apiKey);
    proxy = json.getString("proxy", proxy);
    baseUrl = json.getString("baseUrl", baseUrl);
    connectTimeout = json.getLong("connectTimeout", connectTimeout);
    idleTimeout = json.getLong("idleTimeout", idleTimeout);
    firstByteTimeout = json.getLong("firstByteTimeout", firstByteTimeout);
    totalTimeout = json.getLong("totalTimeout", totalTimeout);
    maxRetries = json.getInteger("maxRetries", maxRetries);
    maxConnections = json.getInteger("maxConnections", maxConnections);
    circuitBreakerFailures = json.getInteger("circuitBreakerFailures", circuitBreakerFailures);
    circuitBreakerResetTimeout = json.getLong("circuitBreakerResetTimeout", circuitBreakerResetTimeout);
    imagesDir = json.getString("imagesDir", imagesDir);
    trustedCertificates = json.getString("trustedCertificates", trustedCertificates);
    JsonObject keys = json.getJsonObject("apiKeys");
    if (keys != null) {
      keys.forEach(entry -> apiKeys.put(entry.getKey(), String.valueOf(entry.getValue())));
    }
    shuffleProviders = json.getBoolean("shuffleProviders", shuffleProviders);
    JsonArray hosts = json.getJsonArray("allowedPrivateImageHosts");
    if (hosts != null) {
      List<String> allowed = new ArrayList<>();
      for (int i = 0; i < hosts.size(); i++) {
        if (!(hosts.getValue(i) instanceof String host)) {
          throw new IllegalArgumentException("allowedPrivateImageHosts[" + i + "] must be a string");
        }
        allowed.add(host);
      }
      setAllowedPrivateImageHosts(allowed);
    }
    storeImages = json.getBoolean("storeImages", storeImages);
    http2 = json.getBoolean("http2", http2);
    validate();
  }

  /** These options as JSON, secrets included. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("connectTimeout", connectTimeout)
        .put("idleTimeout", idleTimeout)
        .put("firstByteTimeout", firstByteTimeout)
        .put("totalTimeout", totalTimeout)
        .put("maxRetries", maxRetries)
        .put("maxConnections", maxConnections)
        .put("circuitBreakerFailures", circuitBreakerFailures)
        .put("circuitBreakerResetTimeout", circuitBreakerResetTimeout)
        .put("imagesDir", imagesDir);
    putIfSet(json, "provider", provider);
    if (!providers.isEmpty()) {
      json.put("providers", new JsonArray(providers.stream().map(ProviderEntry::toJson).toList()));
    }
    putIfSet(json, "imageProvider", imageProvider);
    putIfSet(json, "apiKey", apiKey);
    putIfSet(json, "proxy", proxy);
    putIfSet(json, "baseUrl", baseUrl);
    putIfSet(json, "trustedCertificates", trustedCertificates);
    if (!apiKeys.isEmpty()) {
      json.put("apiKeys", new JsonObject(new LinkedHashMap<>(apiKeys)));
    }
    if (shuffleProviders) {
      json.put("shuffleProviders", true);
    }
    if (!allowedPrivateImageHosts.isEmpty()) {
      json.put("allowedPrivateImageHosts", new JsonArray(allowedPrivateImageHosts));
    }
    if (storeImages) {
      json.put("storeImages", true);
    }
    if (http2) {
      json.put("http2", true);
    }
    return json;
  }

  private static void putIfSet(JsonObject json, String key, @Nullable String value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  private void validate() {
    setConnectTimeout(connectTimeout).setIdleTimeout(idleTimeout).setFirstByteTimeout(firstByteTimeout)
        .setTotalTimeout(totalTimeout)
        .setMaxRetries(maxRetries).setMaxConnections(maxConnections)
        .setCircuitBreakerFailures(circuitBreakerFailures).setCircuitBreakerResetTimeout(circuitBreakerResetTimeout);
  }

  /**
   * The chat provider's name (matched case-insensitively: a {@linkplain #getProviders() provider entry}'s name,
   * or a registry provider's: {@code OpenAI}, alias {@code OpenaiChat}, {@code Groq}, ...), or several separated
   * by spaces or commas: a fallback list, tried in order. Unless set: the provider entries in order, or
   * {@value #DEFAULT_PROVIDER} when there are none.
   */
  public String getProvider() {
    if (provider != null) {
      return provider;
    }
    return providers.isEmpty() ? DEFAULT_PROVIDER
        : String.join(" ", providers.stream().map(ProviderEntry::getName).toList());
  }

  /** Sets the chat provider, or a fallback list of them ({@code "Groq OpenAI"}). */
  public ClientOptions setProvider(String provider) {
    this.provider = Objects.requireNonNull(provider, "provider");
    return this;
  }

  /**
   * The named provider entries ({@code "providers"} in JSON, the gateway config's shape), which
   * {@link #getProvider()} and {@link #getImageProvider()} can name; a live, mutable list.
   */
  public List<ProviderEntry> getProviders() {
    return providers;
  }

  /** Adds a named provider entry (after those added before: the default fallback order). */
  public ClientOptions addProvider(ProviderEntry entry) {
    providers.add(Objects.requireNonNull(entry, "entry"));
    return this;
  }

  /** The image provider's name, or a fallback list; null means the chat provider(s). */
  public @Nullable String getImageProvider() {
    return imageProvider;
  }

  /** Sets the image provider, or a fallback list of them (null: the chat provider). */
  public ClientOptions setImageProvider(@Nullable String imageProvider) {
    this.imageProvider = imageProvider;
    return this;
  }

  /**
   * The API key of the first chat provider (and of the first image provider), or null. Other
   * providers use {@link #getApiKeys()} or their conventional environment variable.
   */
  public @Nullable String getApiKey() {
    return apiKey;
  }

  /** Sets the API key of the first provider. */
  public ClientOptions setApiKey(@Nullable String apiKey) {
    this.apiKey = apiKey;
    return this;
  }

  /** The proxy URI for every outgoing request, or null for a direct connection. */
  public @Nullable String getProxy() {
    return proxy;
  }

  /**
   * Sets the proxy for every outgoing request: {@code http://[user:pass@]host[:port]} (HTTP CONNECT,
   * default port 80), {@code https://...} (HTTP CONNECT, default port 443; the hop to the proxy itself
   * is not encrypted) or {@code socks5://[user:pass@]host[:port]} (default port 1080). Checked when
   * the client is created.
   */
  public ClientOptions setProxy(@Nullable String proxy) {
    this.proxy = proxy;
    return this;
  }

  /** The first provider's base URL (e.g. {@code http://127.0.0.1:11434/v1}); null for the provider's own. */
  public @Nullable String getBaseUrl() {
    return baseUrl;
  }

  /** Sets the base URL, so any OpenAI-compatible server can stand in for the provider. */
  public ClientOptions setBaseUrl(@Nullable String baseUrl) {
    this.baseUrl = baseUrl;
    return this;
  }

  /** Time to establish a connection, in ms. */
  public long getConnectTimeout() {
    return connectTimeout;
  }

  /** Sets the connect timeout in ms; must be positive. */
  public ClientOptions setConnectTimeout(long connectTimeout) {
    this.connectTimeout = positive(connectTimeout, "connectTimeout");
    return this;
  }

  /** Sets the connect timeout; must be positive (whole milliseconds count). */
  public ClientOptions setConnectTimeout(Duration connectTimeout) {
    return setConnectTimeout(connectTimeout.toMillis());
  }

  /**
   * Longest silence of the provider, in ms: for a stream, before it answers and between two chunks while the
   * consumer wants more (time spent paused by the consumer does not count); for a whole answer, from its first
   * bytes to its end. The wait before a whole answer begins, the provider generating it, only the total timeout
   * bounds.
   */
  public long getIdleTimeout() {
    return idleTimeout;
  }

  /** Sets the idle timeout in ms; must be positive. */
  public ClientOptions setIdleTimeout(long idleTimeout) {
    this.idleTimeout = positive(idleTimeout, "idleTimeout");
    return this;
  }

  /** Sets the idle timeout; must be positive (whole milliseconds count). */
  public ClientOptions setIdleTimeout(Duration idleTimeout) {
    return setIdleTimeout(idleTimeout.toMillis());
  }

  /**
   * Longest wait of one attempt for the provider's first byte, in ms: the first chunk of a stream, the first bytes of
   * a whole answer. When it passes, the attempt fails with a {@link io.g4f.client.errors.RequestTimeoutException}
   * (retryable), so that the next provider of a fallback list answers, or the provider is tried again, instead of a
   * hung provider taking the call's whole budget. 0 ({@link #DEFAULT_FIRST_BYTE_TIMEOUT}): only the idle timeout
   * (streams) and the total timeout bound that wait. A provider entry may set its own
   * ({@link ProviderEntry#setFirstByteTimeout}).
   */
  public long getFirstByteTimeout() {
    return firstByteTimeout;
  }

  /** Sets the first-byte timeout in ms; 0 for none. */
  public ClientOptions setFirstByteTimeout(long firstByteTimeout) {
    if (firstByteTimeout < 0) {
      throw new IllegalArgumentException("firstByteTimeout must be >= 0");
    }
    this.firstByteTimeout = firstByteTimeout;
    return this;
  }

  /** Sets the first-byte timeout; zero for none (whole milliseconds count). */
  public ClientOptions setFirstByteTimeout(Duration firstByteTimeout) {
    return setFirstByteTimeout(firstByteTimeout.toMillis());
  }

  /** Longest time for a whole call, retries and streaming included, in ms. */
  public long getTotalTimeout() {
    return totalTimeout;
  }

  /** Sets the total timeout in ms; must be positive. */
  public ClientOptions setTotalTimeout(long totalTimeout) {
    this.totalTimeout = positive(totalTimeout, "totalTimeout");
    return this;
  }

  /** Sets the total timeout; must be positive (whole milliseconds count). */
  public ClientOptions setTotalTimeout(Duration totalTimeout) {
    return setTotalTimeout(totalTimeout.toMillis());
  }

  /** Retries after a retryable failure (never after the first chunk was delivered). */
  public int getMaxRetries() {
    return maxRetries;
  }

  /** Sets the number of retries; 0 disables them. */
  public ClientOptions setMaxRetries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0");
    }
    this.maxRetries = maxRetries;
    return this;
  }

  /**
   * Consecutive provider-side failures (those a retry could cure: 5xx, timeouts, connection errors, rate limits)
   * after which a provider's circuit opens: its calls then fail at once, without reaching it, for
   * {@link #getCircuitBreakerResetTimeout()}, and the next provider of a fallback list is tried.
   */
  public int getCircuitBreakerFailures() {
    return circuitBreakerFailures;
  }

  /** Sets the failures that open a provider's circuit; 0 turns the client's circuit breakers off. */
  public ClientOptions setCircuitBreakerFailures(int circuitBreakerFailures) {
    if (circuitBreakerFailures < 0) {
      throw new IllegalArgumentException("circuitBreakerFailures must be >= 0");
    }
    this.circuitBreakerFailures = circuitBreakerFailures;
    return this;
  }

  /** How long an open circuit stays open before one trial call, in ms. */
  public long getCircuitBreakerResetTimeout() {
    return circuitBreakerResetTimeout;
  }

  /** Sets how long an open circuit stays open, in ms; must be positive. */
  public ClientOptions setCircuitBreakerResetTimeout(long circuitBreakerResetTimeout) {
    if (circuitBreakerResetTimeout <= 0) {
      throw new IllegalArgumentException("circuitBreakerResetTimeout must be > 0");
    }
    this.circuitBreakerResetTimeout = circuitBreakerResetTimeout;
    return this;
  }

  /**
   * The largest number of connections to one provider address. An HTTP/1.1 connection carries one call at a time,
   * so this bounds the concurrent HTTP/1.1 streams to it. An HTTP/2 connection carries as many as the server allows
   * (its {@code SETTINGS_MAX_CONCURRENT_STREAMS}, commonly 100 to 256), so a fiftieth as many HTTP/2 connections
   * (200 by default) are opened to one address at most: as many concurrent streams or more.
   */
  public int getMaxConnections() {
    return maxConnections;
  }

  /** Sets the connection limit per provider address; must be positive. Calls beyond it wait for a free connection. */
  public ClientOptions setMaxConnections(int maxConnections) {
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be > 0");
    }
    this.maxConnections = maxConnections;
    return this;
  }

  /** Where images returned as {@code file:} URLs are written. */
  public String getImagesDir() {
    return imagesDir;
  }

  /** Sets the images directory; created when first needed. */
  public ClientOptions setImagesDir(String imagesDir) {
    this.imagesDir = Objects.requireNonNull(imagesDir, "imagesDir");
    return this;
  }

  /** A PEM file of the certificates to trust for TLS instead of the JVM's defaults, or null. */
  public @Nullable String getTrustedCertificates() {
    return trustedCertificates;
  }

  /**
   * Trusts only the certificates in this PEM file (for a provider or TLS-intercepting proxy with a
   * private CA); null restores the JVM's default trust.
   */
  public ClientOptions setTrustedCertificates(@Nullable String pemFile) {
    this.trustedCertificates = pemFile;
    return this;
  }

  /**
   * API keys by provider name (case-insensitive), for fallback lists; a provider's key is this map's
   * entry, else {@link #getApiKey()} for the first provider, else its environment variable
   * ({@code OPENAI_API_KEY}, {@code GROQ_API_KEY}, ...).
   */
  public Map<String, String> getApiKeys() {
    return apiKeys;
  }

  /** Sets the API key of one provider. */
  public ClientOptions putApiKey(String provider, String key) {
    apiKeys.put(provider, key);
    return this;
  }

  /** Whether a fallback list is tried in random order instead of as given. */
  public boolean isShuffleProviders() {
    return shuffleProviders;
  }

  /** Sets whether fallback lists are shuffled for each call. */
  public ClientOptions setShuffleProviders(boolean shuffleProviders) {
    this.shuffleProviders = shuffleProviders;
    return this;
  }

  /**
   * The private hosts a caller's image URL may reach, when the client downloads it (for a provider that takes image
   * bytes rather than URLs: {@code OllamaNative}). Image URLs reach public addresses only; a URL, or a redirect,
   * whose host is or resolves to a loopback, link-local (cloud metadata at {@code 169.254.169.254} included),
   * private, unspecified, multicast or reserved address is refused (400) unless an entry allows it: a host name
   * (that host, whatever it resolves to), an IP address or a CIDR range ({@code 10.1.0.0/16}, {@code fd00::/8}).
   * Empty by default, in the library as in the gateway: an application often passes on URLs its own users gave.
   * URLs a provider returns (generated images) are the provider's and are not checked.
   */
  public List<String> getAllowedPrivateImageHosts() {
    return allowedPrivateImageHosts;
  }

  /**
   * Sets the private hosts image URLs may reach ({@code List.of("images.internal", "10.1.0.0/16")}).
   *
   * @throws IllegalArgumentException naming an entry that is not a host name, an IP address or a CIDR range
   */
  public ClientOptions setAllowedPrivateImageHosts(List<String> hosts) {
    ImageUrlGuard.of(hosts);
    this.allowedPrivateImageHosts = List.copyOf(hosts);
    return this;
  }

  /**
   * Whether images asked for as {@code url} are all stored under {@link #getImagesDir()} and returned as
   * {@code file:} URLs: a URL the provider returned is downloaded (20 MiB at most, an image format) rather than
   * passed on. False by default: a provider's URL is returned as it is. The gateway sets it, to serve every image
   * under its own {@code /images/}.
   */
  public boolean isStoreImages() {
    return storeImages;
  }

  /** Sets whether images asked for as {@code url} are always stored under the images directory. */
  public ClientOptions setStoreImages(boolean storeImages) {
    this.storeImages = storeImages;
    return this;
  }

  /**
   * Whether plain {@code http://} providers are spoken to in HTTP/2 with prior knowledge (h2c: no upgrade request,
   * the server must speak HTTP/2 on that port); false by default: HTTP/1.1. On {@code https://}
   * the client speaks HTTP/2 whenever the server offers it (ALPN) and HTTP/1.1 otherwise, whatever this says.
   * Streams to one provider then share a few connections (a cancelled one resets its own stream only), so a gateway
   * holds one descriptor per caller instead of two. Every plain-http provider of this client must speak h2c, and
   * so must an {@code http://} proxy that plain-http requests go through; image URLs are still fetched in HTTP/1.1.
   */
  public boolean isHttp2() {
    return http2;
  }

  /** Sets whether plain {@code http://} providers are spoken to in HTTP/2 with prior knowledge (h2c). */
  public ClientOptions setHttp2(boolean http2) {
    this.http2 = http2;
    return this;
  }

  private static long positive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0");
    }
    return value;
  }
}
