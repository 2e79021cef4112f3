package io.g4f.client.provider;

import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderCatalog;
import java.util.List;
import java.util.Map;

/**
 * The built-in providers ({@link Providers#builtIn()}) and g4f's names for two of them ({@code OpenaiChat},
 * {@code AzureOpenAI}), registered with {@link java.util.ServiceLoader} as any user's catalog is.
 */
public final class BuiltInProviders implements ProviderCatalog {

  /** The catalog; {@link java.util.ServiceLoader} makes it. */
  public BuiltInProviders() {
  }

  @Override
  public List<Provider> providers() {
    return Providers.builtIn();
  }

  @Override
  public Map<String, String> aliases() {
    return Map.of("OpenaiChat", Providers.OPENAI.name(), "AzureOpenAI", Providers.AZURE.name());
  }
}
