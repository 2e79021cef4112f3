package io.g4f.client.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.spi.Provider;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A provider entry speaks its type's protocol for every operation: {@link EntryProvider} forwards each method of
 * {@link Provider}, so one the interface gains (embeddings, say) is not left to its default, which fails the call.
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

  private static boolean declares(Method method) {
    try {
      EntryProvider.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
