package io.g4f.client.spi;

import java.util.List;
import java.util.Map;

/**
 * A set of providers, found with {@link java.util.ServiceLoader} by {@link ProviderRegistry#standard()}: list the
 * implementing class (public, no-argument constructor) in {@code META-INF/services/io.g4f.client.spi.ProviderCatalog}.
 * The built-in providers are registered this way; a provider that needs no configuration can instead be listed
 * on its own in {@code META-INF/services/io.g4f.client.spi.Provider}.
 */
public interface ProviderCatalog {

  /** The providers, in the order they are registered. */
  List<Provider> providers();

  /** Other names of these providers (alias to provider name), such as g4f's own names; empty by default. */
  default Map<String, String> aliases() {
    return Map.of();
  }
}
