package io.g4f.client.spi;

import io.g4f.client.errors.ProviderNotFoundException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Providers by name, matched case-insensitively: those found with {@link ServiceLoader} (the built-in ones
 * among them: each {@link ProviderCatalog} in {@code META-INF/services/io.g4f.client.spi.ProviderCatalog}, then
 * each provider in {@code META-INF/services/io.g4f.client.spi.Provider}), and those registered here. A later registration under the same name replaces an earlier one. Not thread-safe while
 * being filled; share it once built.
 */
public final class ProviderRegistry {

  private record Entry(String name, Provider provider) {
  }

  private final Map<String, Entry> providers = new LinkedHashMap<>();

  /** g4f provider names that have no public API, and what to use instead. */
  private static final Map<String, String> WITHOUT_API = Map.of(
      "bing", "Bing (Copilot) has no public API; use OpenAI, OpenRouter or Groq for chat",
      "bingcreateimages", "BingCreateImages has no public API; use OpenAI (dall-e-3, gpt-image-1) or Together for images");

  private ProviderRegistry() {
  }

  /** An empty registry. */
  public static ProviderRegistry empty() {
    return new ProviderRegistry();
  }

  /**
   * The providers of every {@link ProviderCatalog} (with their aliases), then every {@link Provider}, that
   * {@link ServiceLoader} finds with the thread's context class loader: the built-in ones and those on the
   * class path.
   */
  public static ProviderRegistry standard() {
    ProviderRegistry registry = new ProviderRegistry();
    for (ProviderCatalog catalog : ServiceLoader.load(ProviderCatalog.class)) {
      catalog.providers().forEach(registry::register);
      catalog.aliases().forEach(registry::alias);
    }
    ServiceLoader.load(Provider.class).forEach(registry::register);
    return registry;
  }

  /** Registers {@code provider} under its name. */
  public ProviderRegistry register(Provider provider) {
    providers.put(key(provider.name()), new Entry(provider.name(), provider));
    return this;
  }

  /** Registers a new instance of {@code type}, made with its public no-argument constructor. */
  public ProviderRegistry register(Class<? extends Provider> type) {
    try {
      return register(type.getConstructor().newInstance());
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalArgumentException(type.getName() + " needs a public no-argument constructor", e);
    }
  }

  /** Makes {@code alias} another name of the provider registered as {@code name}. */
  public ProviderRegistry alias(String alias, String name) {
    providers.put(key(alias), new Entry(alias, get(name)));
    return this;
  }

  /**
   * The provider registered as {@code name}.
   *
   * @throws ProviderNotFoundException naming the known providers
   */
  public Provider get(String name) {
    Entry entry = providers.get(key(name));
    if (entry == null) {
      String reason = WITHOUT_API.getOrDefault(key(name), "Unknown provider '" + name + "'");
      throw new ProviderNotFoundException(reason + "; known providers: " + String.join(", ", names()));
    }
    return entry.provider();
  }

  /** The registered providers, each once (aliases left out), in registration order. */
  public List<Provider> providers() {
    return providers.values().stream().map(Entry::provider).distinct().toList();
  }

  /** The registered names (aliases included), in registration order. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    providers.values().forEach(entry -> names.add(entry.name()));
    return names;
  }

  private static String key(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }
}
