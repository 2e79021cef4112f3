package io.g4f.client.typed;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;

/**
 * Whether the property of a Kotlin class is of a nullable type ({@code String?}), read from its Kotlin metadata with
 * {@code kotlin-reflect} (which {@code jackson-module-kotlin} brings), found by name so that this library does not
 * depend on Kotlin: the compiler's own {@code @Nullable} annotations are not kept at run time.
 */
final class KotlinNullability {

  /**
   * {@code ReflectJvmMapping.getKotlinProperty}, {@code KCallable.getReturnType} and {@code KType.isMarkedNullable};
   * null without kotlin-reflect.
   */
  private static final Method @Nullable [] REFLECTION = reflection();
  private static final @Nullable Class<? extends Annotation> METADATA = metadata();

  private KotlinNullability() {
  }

  /**
   * Whether {@code field} backs a property of a nullable type in a Kotlin class; false for a Java class, and without
   * kotlin-reflect.
   */
  static boolean nullable(Field field) {
    if (REFLECTION == null || METADATA == null || !field.getDeclaringClass().isAnnotationPresent(METADATA)) {
      return false;
    }
    try {
      Object property = REFLECTION[0].invoke(null, field);
      return property != null && (Boolean) REFLECTION[2].invoke(REFLECTION[1].invoke(property));
    } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
      return false;
    }
  }

  private static Method @Nullable [] reflection() {
    try {
      return new Method[] {
          Class.forName("kotlin.reflect.jvm.ReflectJvmMapping").getMethod("getKotlinProperty", Field.class),
          Class.forName("kotlin.reflect.KCallable").getMethod("getReturnType"),
          Class.forName("kotlin.reflect.KType").getMethod("isMarkedNullable")};
    } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Class<? extends Annotation> metadata() {
    try {
      return (Class<? extends Annotation>) Class.forName("kotlin.Metadata");
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
