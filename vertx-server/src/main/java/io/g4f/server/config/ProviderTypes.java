package io.g4f.server.config;

import io.g4f.client.spi.Provider;
import io.g4f.client.spi.ProviderRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * The provider a config entry's {@code type} names: one the registry knows (built-in, or found by
 * {@link java.util.ServiceLoader}), or a {@link Provider} class loaded by its fully qualified name and made once.
 */
final class ProviderTypes {

  private ProviderTypes() {
  }

  /**
   * The name of the provider a config {@code type} (other than {@code openai}) selects: a name the registry
   * knows, else a provider class's fully qualified name, whose instance is added to the registry.
   *
   * @throws IllegalArgumentException naming {@code where.type} and the class when it cannot be used
   */
  static String named(ProviderRegistry registry, String type, String where) {
    if (registry.names().stream().anyMatch(type::equalsIgnoreCase)) {
      return type;
    }
    if (!type.contains(".")) {
      throw new IllegalArgumentException(where + ".type '" + type + "' is not supported (supported: openai, "
          + String.join(", ", registry.names()) + ", or a provider class's fully qualified name)");
    }
    Provider made = newProvider(type, where + ".type '" + type + "'");
    boolean taken = registry.names().stream().anyMatch(made.name()::equalsIgnoreCase);
    Provider known = taken ? registry.get(made.name()) : null;
    if (known != null && known.getClass() != made.getClass()) {
      throw new IllegalArgumentException(where + ".type '" + type + "' is a provider named '" + made.name()
          + "', which is already the name of " + known.getClass().getName());
    }
    registry.register(made);
    return made.name();
  }

  /** A new instance of the provider class {@code className}; {@code field} names it in errors. */
  private static Provider newProvider(String className, String field) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Class<?> type;
    try {
      type = Class.forName(className, true, loader != null ? loader : ProviderTypes.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalArgumentException(field + ": no such class on the class path", e);
    }
    if (!Provider.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException(field + " is not a provider: it does not implement "
          + Provider.class.getName());
    }
    try {
      if (Modifier.isAbstract(type.getModifiers())) {
        throw new NoSuchMethodException("abstract");
      }
      return (Provider) type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
      throw new IllegalArgumentException(field + " needs a public no-argument constructor", e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(field + " could not be made: " + e.getCause(), e.getCause());
    }
  }
}
