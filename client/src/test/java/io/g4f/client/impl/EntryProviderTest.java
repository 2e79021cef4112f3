package io.g4f.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ProviderEntry;
import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderRegistry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A provider entry speaks its type's protocol for every operation: {@link EntryProvider} forwards each method of
 * {@link Provider}, so one the interface gains (embeddings, say) is not left to its default, which fails the call.
 * And its type's key variable goes only to its type's own address.
 */
class EntryProviderTest {

  @Test
  void everyProviderMethodIsForwardedToTheEntrysType() {
    List<String> missing = Arrays.stream(Provider.class.getMethods())
        .filter(method -> !Modifier.isStatic(method.getModifiers()))
        .filter(method -> !declares(method))
        .map(Method::getName).toList();

    assertThat(missing).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {
      "none,                            OPENAI_API_KEY",
      "https://api.openai.com/v1,       OPENAI_API_KEY",
      "HTTPS://API.OpenAI.com:443/v1/,  OPENAI_API_KEY",
      "http://api.openai.com/v1,        none",
      "https://api.openai.com:8443/v1,  none",
      "https://api.openai.com.evil/v1,  none",
      "http://127.0.0.1:8000/v1,        none"})
  void anEntryReadsItsTypesKeyVariableOnlyForItsTypesOwnAddress(String baseUrl, String variable) {
    ProviderEntry entry = new ProviderEntry("oai", ProviderEntry.OPENAI).setBaseUrl(baseUrl);

    assertThat(EntryProvider.of(entry, ProviderRegistry.standard()).apiKeyVariable()).isEqualTo(variable);
  }

  private static boolean declares(Method method) {
    try {
      EntryProvider.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
