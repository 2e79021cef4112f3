package io.g4f.client.impl;

import io.g4f.client.ProviderNotFoundException;
import io.g4f.client.provider.OpenAiProvider;
import io.g4f.client.spi.Provider;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The built-in providers by name and alias, looked up case-insensitively. */
final class Providers {

  private static final Map<String, Provider> BUILT_IN = new LinkedHashMap<>();

  static {
    Provider openAi = new OpenAiProvider();
    BUILT_IN.put("openai", openAi);
    BUILT_IN.put("openaichat", openAi);
  }

  private Providers() {
  }

  /** The provider named {@code name}; fails with a message that lists the known names. */
  static Provider byName(String name) {
    Provider provider = BUILT_IN.get(name.toLowerCase(Locale.ROOT));
    if (provider == null) {
      throw new ProviderNotFoundException("Unknown provider '" + name + "'; known providers: OpenAI (alias OpenaiChat)");
    }
    return provider;
  }
}
