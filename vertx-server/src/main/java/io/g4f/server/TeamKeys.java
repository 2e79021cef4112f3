package io.g4f.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's team keys, the config's {@code keys} array:
 * {@code [{"name":"team-a","key":"...","models":["smart","gpt-4o-mini"],"rpm":60,"tpm":200000}]}. Each key
 * authenticates like the admin key ({@code --api-key}); {@code models} (the models it may use), {@code rpm}
 * (requests a minute) and {@code tpm} (usage tokens a minute) are optional, absent meaning unrestricted.
 * Names are unique and never {@value #ADMIN} (the admin key's name in limits and metrics); keys are unique.
 * Immutable; keys never appear in {@code toString()} or in exception messages.
 */
final class TeamKeys {

  /** The name the admin key goes by in limits and metrics. */
  static final String ADMIN = "admin";
  /** No team keys. */
  static final TeamKeys NONE = new TeamKeys(List.of());

  private static final Set<String> FIELDS = Set.of("name", "key", "models", "rpm", "tpm");

  /** One team's key and limits: {@code models} null for any model, {@code rpm} and {@code tpm} 0 for no limit. */
  record TeamKey(String name, byte[] key, Set<String> models, int rpm, long tpm) {

    /** Whether this key may use {@code model} (null: the default model, which only an unrestricted key may use). */
    boolean mayUse(String model) {
      return models == null || model != null && models.contains(model);
    }

    @Override
    public String toString() {
      return "TeamKey[name=" + name + ", models=" + models + ", rpm=" + rpm + ", tpm=" + tpm + "]";
    }
  }

  private final List<TeamKey> keys;
  private final Map<String, TeamKey> byName = new HashMap<>();

  private TeamKeys(List<TeamKey> keys) {
    this.keys = List.copyOf(keys);
    keys.forEach(key -> byName.put(key.name(), key));
  }

  /**
   * The team keys of a config's {@code keys} array; null for none.
   *
   * @throws IllegalArgumentException naming the offending field ({@code keys[1].rpm}), an unknown field included;
   *     never quoting a key
   */
  static TeamKeys fromJson(JsonArray array) {
    if (array == null) {
      return NONE;
    }
    List<TeamKey> keys = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String where = "keys[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      for (String field : entry.fieldNames()) {
        if (!FIELDS.contains(field)) {
          throw new IllegalArgumentException(where + "." + field + " is not a known field (known: name, key, models, rpm, tpm)");
        }
      }
      if (!(entry.getValue("name") instanceof String name) || name.isBlank()) {
        throw new IllegalArgumentException(where + ".name is required (a non-empty string)");
      }
      if (name.equals(ADMIN) || !names.add(name)) {
        throw new IllegalArgumentException(where + ".name '" + name + "' is "
            + (name.equals(ADMIN) ? "reserved for the --api-key key" : "used twice"));
      }
      if (!(entry.getValue("key") instanceof String key) || key.isEmpty()) {
        throw new IllegalArgumentException(where + ".key is required (a non-empty string)");
      }
      byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
      if (keys.stream().anyMatch(other -> MessageDigest.isEqual(other.key(), bytes))) {
        throw new IllegalArgumentException(where + ".key is the key of another entry");
      }
      keys.add(new TeamKey(name, bytes, models(entry, where), (int) limit(entry, "rpm", where, Integer.MAX_VALUE),
          limit(entry, "tpm", where, Long.MAX_VALUE)));
    }
    return new TeamKeys(keys);
  }

  private static Set<String> models(JsonObject entry, String where) {
    Object value = entry.getValue("models");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException(where + ".models must be an array of model names");
    }
    Set<String> models = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String model)) {
        throw new IllegalArgumentException(where + ".models[" + i + "] must be a string");
      }
      models.add(model);
    }
    return Set.copyOf(models);
  }

  private static long limit(JsonObject entry, String field, String where, long max) {
    Object value = entry.getValue(field);
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
        || ((Number) value).longValue() > max) {
      throw new IllegalArgumentException(where + "." + field + " must be a positive integer");
    }
    return ((Number) value).longValue();
  }

  /** Whether there are none. */
  boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The team whose key is {@code presented}, or null; every key is compared, each in constant time. */
  TeamKey find(byte[] presented) {
    TeamKey found = null;
    for (TeamKey key : keys) {
      if (MessageDigest.isEqual(key.key(), presented)) {
        found = key;
      }
    }
    return found;
  }

  /** The team named {@code name}, or null. */
  TeamKey named(String name) {
    return byName.get(name);
  }

  @Override
  public String toString() {
    return "TeamKeys" + keys;
  }
}
