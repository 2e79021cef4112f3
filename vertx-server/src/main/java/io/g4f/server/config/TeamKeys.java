package io.g4f.server.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The gateway's team keys, the config's {@code keys} array:
 * {@code [{"name":"team-a","key":"...","models":["smart","gpt-4o-mini"],"providers":["oai"],"rpm":60,"tpm":200000}]}.
 * Each key authenticates like the admin key ({@code --api-key}); {@code models} (the models and groups it may use, on
 * the providers the config maps them to), {@code providers} (configured providers it may also name for them),
 * {@code rpm} (requests a minute), {@code tpm} (usage tokens a minute) and {@code budget} (US dollars a period,
 * {@code {"usd": 50, "period": "30d"}}, see {@link Budget}) are optional, absent meaning unrestricted;
 * {@code "admin": true} lets the key read the operator routes ({@code /metrics}, {@code /v1/providers}) as the
 * operator key does.
 * Names are unique and never {@value #ADMIN} (the admin key's name in limits and metrics); keys are unique.
 * Immutable; keys never appear in {@code toString()} or in exception messages.
 */
public final class TeamKeys {

  /** The name the admin key goes by in limits and metrics. */
  public static final String ADMIN = "admin";
  /** No team keys. */
  static final TeamKeys NONE = new TeamKeys(List.of());

  private static final Set<String> FIELDS = Set.of("name", "key", "models", "providers", "rpm", "tpm", "budget",
      "admin");
  private static final Set<String> BUDGET_FIELDS = Set.of("usd", "period");

  /**
   * One team's key and limits: {@code models} null for any model, {@code providers} (lower case) null for none beyond
   * those the config maps its models to, {@code rpm} and {@code tpm} 0 for no limit, {@code budget} null for none,
   * {@code admin} whether it may read the operator routes.
   */
  public record TeamKey(String name, byte[] key, Set<String> models, Set<String> providers, int rpm, long tpm,
                        Budget budget, boolean admin) {

    /** Whether this key may use {@code model} (null: the default model, which only an unrestricted key may use). */
    public boolean mayUse(String model) {
      return models == null || model != null && models.contains(model);
    }

    /**
     * Whether this key may reach the configured provider {@code provider} for a model the config maps to
     * {@code mapped}: a key without {@code models} and {@code providers} reaches any.
     */
    public boolean mayReach(String provider, Set<String> mapped) {
      return models == null && providers == null || mapped.contains(provider)
          || providers != null && providers.contains(provider.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
      return "TeamKey[name=" + name + ", models=" + models + ", providers=" + providers + ", rpm=" + rpm + ", tpm="
          + tpm + ", budget=" + budget + ", admin=" + admin + "]";
    }
  }

  /**
   * What a key may spend: {@code usd} US dollars in each period of {@code days} days ({@code 1d}, {@code 7d},
   * {@code 30d}: windows counted from 1970-01-01 UTC, so a {@code 1d} budget resets at midnight UTC), or in total
   * ({@code days} 0, the config's {@code period} absent).
   */
  public record Budget(double usd, int days) {

    /** The config's name of the period: {@code 1d}, {@code 7d}, {@code 30d}, or {@code total}. */
    public String period() {
      return days == 0 ? "total" : days + "d";
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
          throw new IllegalArgumentException(where + "." + field
              + " is not a known field (known: name, key, models, providers, rpm, tpm, budget, admin)");
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
      keys.add(new TeamKey(name, bytes, names(entry, "models", where, false), names(entry, "providers", where, true),
          (int) limit(entry, "rpm", where, Integer.MAX_VALUE),
          limit(entry, "tpm", where, Long.MAX_VALUE), budget(entry, where), admin(entry, where)));
    }
    return new TeamKeys(keys);
  }

  private static Set<String> names(JsonObject entry, String field, String where, boolean lowerCase) {
    Object value = entry.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException(where + "." + field + " must be an array of names");
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String name)) {
        throw new IllegalArgumentException(where + "." + field + "[" + i + "] must be a string");
      }
      names.add(lowerCase ? name.toLowerCase(Locale.ROOT) : name);
    }
    return Set.copyOf(names);
  }

  /**
   * Checks that every provider a key's {@code providers} names is configured ({@code known}).
   *
   * @throws IllegalArgumentException naming the key's entry and the unknown provider
   */
  public void checkProviders(Predicate<String> known) {
    checkNames(TeamKey::providers, "providers", known, name -> "");
  }

  /**
   * Checks these keys against a whole configuration: every provider a key's {@code providers} names and every model
   * its {@code models} names is configured (a model group, a model a provider lists, or any model when a provider
   * takes any), and no key is the operator key ({@code --api-key}).
   *
   * @throws IllegalArgumentException naming the key's entry and what is wrong, never quoting a key
   */
  public void checkAgainst(GatewayOptions options) {
    checkProviders(name -> options.provider(name) != null);
    List<String> known = new ArrayList<>();
    options.getModelGroups().forEach(group -> known.add(group.name()));
    options.getProviders().forEach(provider -> known.addAll(provider.models()));
    boolean anyModel = options.getProviders().stream().anyMatch(GatewayOptions.ProviderConfig::takesAnyModel);
    checkNames(TeamKey::models, "models", model -> anyModel || known.contains(model),
        model -> ConfigReader.suggestion(model, known));
    if (options.getApiKey() != null) {
      byte[] operator = options.getApiKey().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < keys.size(); i++) {
        if (MessageDigest.isEqual(keys.get(i).key(), operator)) {
          throw new IllegalArgumentException("keys[" + i + "].key is the operator key (--api-key); give the team "
              + "a key of its own");
        }
      }
    }
  }

  private void checkNames(Function<TeamKey, Set<String>> field, String name, Predicate<String> known,
                          Function<String, String> suggestion) {
    for (int i = 0; i < keys.size(); i++) {
      Set<String> names = field.apply(keys.get(i));
      if (names != null) {
        for (String value : names) {
          if (!known.test(value)) {
            throw new IllegalArgumentException("keys[" + i + "]." + name + " names '" + value + "', which is not a "
                + ("models".equals(name) ? "configured model or model group" : "configured provider")
                + suggestion.apply(value));
          }
        }
      }
    }
  }

  private static Budget budget(JsonObject entry, String where) {
    JsonObject budget = ConfigReader.field(entry, "budget", JsonObject.class, false, where);
    if (budget == null) {
      return null;
    }
    String path = where + ".budget";
    ConfigReader.check(budget, path, BUDGET_FIELDS);
    Number usd = ConfigReader.field(budget, "usd", Number.class, true, path);
    if (!(usd.doubleValue() > 0) || !Double.isFinite(usd.doubleValue())) {
      throw new IllegalArgumentException(path + ".usd must be a positive number of US dollars");
    }
    String period = ConfigReader.field(budget, "period", String.class, false, path);
    if (period != null && !Set.of("1d", "7d", "30d").contains(period)) {
      throw new IllegalArgumentException(path + ".period must be 1d, 7d or 30d (absent: a total budget), not '"
          + period + "'");
    }
    return new Budget(usd.doubleValue(), period == null ? 0 : Integer.parseInt(period.substring(0, period.length() - 1)));
  }

  private static boolean admin(JsonObject entry, String where) {
    Object value = entry.getValue("admin");
    if (value != null && !(value instanceof Boolean)) {
      throw new IllegalArgumentException(where + ".admin must be a boolean");
    }
    return Boolean.TRUE.equals(value);
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

  /** Every team key, in the config's order. */
  public List<TeamKey> all() {
    return keys;
  }

  /** Whether there are none. */
  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The team whose key is {@code presented}, or null; every key is compared, each in constant time. */
  public TeamKey find(byte[] presented) {
    TeamKey found = null;
    for (TeamKey key : keys) {
      if (MessageDigest.isEqual(key.key(), presented)) {
        found = key;
      }
    }
    return found;
  }

  /** The team named {@code name}, or null. */
  public TeamKey named(String name) {
    return byName.get(name);
  }

  @Override
  public String toString() {
    return "TeamKeys" + keys;
  }
}
