package io.g4f.server.config;

import io.g4f.client.ClientOptions;
import io.g4f.client.provider.AzureOpenAiProvider;
import io.g4f.client.provider.Providers;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.Provider;
import java.util.List;
import java.util.Map;

/** The providers a gateway without a config file serves: those whose keys are in the environment, and Pollinations. */
final class EnvironmentProviders {

  private EnvironmentProviders() {
  }

  /** See {@link GatewayOptions#fromEnvironment}. */
  static GatewayOptions options(Map<String, String> env) {
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
}
