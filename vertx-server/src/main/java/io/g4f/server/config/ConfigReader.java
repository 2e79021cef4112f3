package io.g4f.server.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Strict reading of the config file: every key of an object must be one the gateway reads (a wrong one
 * is refused naming it and the closest known name, so a typo fails at start instead of being ignored),
 * and every value must have its type. Failures are {@link IllegalArgumentException}s whose message
 * names the field by its path ({@code models.smart.targets[1].weight}).
 */
final class ConfigReader {

  private ConfigReader() {
  }

  /**
   * Checks that {@code json} holds only {@code known} keys.
   *
   * @param where the object's path in the config ({@code providers[0]}), or null for the top level
   * @throws IllegalArgumentException {@code Unknown config key 'providers[0].baseURL' (did you mean 'baseUrl'?)}
   */
  static void check(JsonObject json, String where, Collection<String> known) {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        String path = where == null ? key : where + "." + key;
        throw new IllegalArgumentException("Unknown config key '" + path + "'" + suggestion(key, known));
      }
    }
  }

  /**
   * {@code " (did you mean 'x'?)"} for the known name closest to {@code given} (case aside, within a
   * third of its length and at least 2 edits), else {@code " (known: a, b, ...)"}.
   */
  static String suggestion(String given, Collection<String> known) {
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(given.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < best) {
        best = distance;
        closest = candidate;
      }
    }
    return closest != null && best <= Math.max(2, given.length() / 3) ? " (did you mean '" + closest + "'?)"
        : " (known: " + String.join(", ", known) + ")";
  }

  /** The path of {@code name} inside the object at {@code where} (null: the top level). */
  static String path(String where, String name) {
    return where == null ? name : where + "." + name;
  }

  /**
   * The value of {@code name} in {@code json}, or null when absent and not {@code required}.
   *
   * @throws IllegalArgumentException when required and absent, or not of {@code type}
   */
  static <T> T field(JsonObject json, String name, Class<T> type, boolean required, String where) {
    String path = path(where, name);
    Object value = json.getValue(name);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(path + " is required");
      }
      return null;
    }
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException(path + " must be " + (type == String.class ? "a string"
          : type == JsonArray.class ? "an array" : type == JsonObject.class ? "an object"
          : type == Boolean.class ? "a boolean" : "a number"));
    }
    return type.cast(value);
  }

  /** The integer {@code name} ({@code min} or more), or null when absent. */
  static Integer integer(JsonObject json, String name, int min, String where) {
    Object value = json.getValue(name);
    if (value != null && (!(value instanceof Integer number) || number < min)) {
      throw new IllegalArgumentException(path(where, name) + " must be an integer >= " + min);
    }
    return (Integer) value;
  }

  /** The integer {@code name} ({@code min} or more, up to a {@code long}), or null when absent. */
  static Long longInteger(JsonObject json, String name, long min, String where) {
    Object value = json.getValue(name);
    if (value != null && (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min)) {
      throw new IllegalArgumentException(path(where, name) + " must be an integer >= " + min);
    }
    return value == null ? null : ((Number) value).longValue();
  }

  /** The string array {@code name}, empty when absent. */
  static List<String> strings(JsonObject json, String name, String where) {
    JsonArray array = field(json, name, JsonArray.class, false, where);
    List<String> values = new ArrayList<>();
    for (int i = 0; array != null && i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String value)) {
        throw new IllegalArgumentException(path(where, name) + "[" + i + "] must be a string");
      }
      values.add(value);
    }
    return values;
  }

  /** The Levenshtein distance between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
