package io.g4f.client.spi.toolkit;

import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderContext;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A base for providers: holds the name, models, capabilities, key variable and default base URL, and builds
 * URLs and headers the same way for every provider. A subclass implements
 * {@link #streamChat}, and {@link #chat} when its protocol has a whole (non-streamed) answer.
 */
public abstract class AbstractProvider implements Provider {

  /** The {@code User-Agent} every provider sends: {@value}. */
  public static final String USER_AGENT = "g4f-vertx";

  private final String name;
  private final String baseUrl;
  private final List<String> models;
  private final @Nullable String apiKeyVariable;
  private final Set<Capability> capabilities;

  /**
   * A provider.
   *
   * @param name its name, as users select it
   * @param baseUrl the base URL used when the client sets none
   * @param models its models, the default first (at least one)
   * @param apiKeyVariable the environment variable holding its key by convention, or null when it needs none
   * @param capabilities what it can do ({@link Capability#AUTH} is added when {@code apiKeyVariable} is set)
   */
  protected AbstractProvider(String name, String baseUrl, List<String> models, @Nullable String apiKeyVariable,
                             Set<Capability> capabilities) {
    this.name = Objects.requireNonNull(name, "name");
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    if (models.isEmpty()) {
      throw new IllegalArgumentException("models must name at least the default model");
    }
    this.models = List.copyOf(models);
    this.apiKeyVariable = apiKeyVariable;
    EnumSet<Capability> all = EnumSet.noneOf(Capability.class);
    all.addAll(capabilities);
    if (apiKeyVariable != null) {
      all.add(Capability.AUTH);
    }
    this.capabilities = Collections.unmodifiableSet(all);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String defaultModel() {
    return models.get(0);
  }

  @Override
  public List<String> models() {
    return models;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public @Nullable String apiKeyVariable() {
    return apiKeyVariable;
  }

  /** The base URL used when the client sets none. */
  public String baseUrl() {
    return baseUrl;
  }

  /** {@code path} under the call's base URL ({@link ProviderContext#baseUrl()}), or else this provider's own. */
  protected String url(ProviderContext context, String path) {
    return join(context.baseUrl() != null ? context.baseUrl() : baseUrl, path);
  }

  /** {@code path} appended to {@code base}, with one slash between them whether or not {@code base} ends in one. */
  public static String join(String base, String path) {
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
  }

  /** Headers of a JSON request: {@code Content-Type: application/json} and the {@link #USER_AGENT}. */
  protected static MultiMap jsonHeaders() {
    return MultiMap.caseInsensitiveMultiMap()
        .add(HttpHeaders.CONTENT_TYPE, "application/json")
        .add(HttpHeaders.USER_AGENT, USER_AGENT);
  }
}
