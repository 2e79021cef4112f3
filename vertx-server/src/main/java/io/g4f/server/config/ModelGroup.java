package io.g4f.server.config;

import io.g4f.server.routing.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A model group of the config's {@code models} object: a name clients ask for as their model, and the
 * targets (a configured provider and the model it is asked for) that serve it, chosen by a strategy.
 * A target that fails before its first chunk with a connection error, a timeout, 429 or 5xx (or a
 * failure whose code is in {@code fallbackOn}) leaves the request to the next target.
 *
 * @param name the name clients send as {@code model}
 * @param strategy the order targets are tried in
 * @param targets the targets, in config order
 * @param fallbackOn error codes that move on besides the default ones, each one of {@link #FALLBACK_ON}
 * @param timeout ms a target gets for its first chunk (a whole answer: for the answer), or null for the client's timeouts
 * @param retries retries on one target before moving on (the target's client's {@code maxRetries}), or null for the client's
 * @param firstByteTimeout ms each attempt at a target waits for its first byte before the next target is tried, or
 *     null for the providers' {@code timeouts.firstByte}
 */
public record ModelGroup(String name, Strategy strategy, List<Target> targets, Set<String> fallbackOn, Long timeout,
                         Integer retries, Long firstByteTimeout) {

  /** The error codes a group may add to the failures that move on. */
  public static final List<String> FALLBACK_ON = List.of("context_length_exceeded", "content_filter");

  /** A group without a first-byte timeout of its own. */
  public ModelGroup(String name, Strategy strategy, List<Target> targets, Set<String> fallbackOn, Long timeout,
                    Integer retries) {
    this(name, strategy, targets, fallbackOn, timeout, retries, null);
  }

  /** A group. */
  public ModelGroup {
    targets = List.copyOf(targets);
    fallbackOn = Set.copyOf(fallbackOn);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("models." + name + ".targets must list at least one target");
    }
  }

  /**
   * One target: a configured provider's name and the model it is asked for.
   *
   * @param weight the target's share in a {@link Strategy#WEIGHTED} group, 1 or more
   */
  public record Target(String provider, String model, int weight) {
  }

  /** How a group orders its targets for a request; each tries the rest in order after its pick. */
  public enum Strategy {
    /** In config order. */
    FALLBACK("fallback"),
    /** One picked at random by weight first. */
    WEIGHTED("weighted"),
    /** The one with the fewest requests in flight first. */
    LEAST_BUSY("least-busy"),
    /** The one with the lowest recent time to first token first (untried targets count as fastest). */
    LATENCY("latency");

    private final String configName;

    Strategy(String configName) {
      this.configName = configName;
    }

    /** The name in the config file. */
    public String configName() {
      return configName;
    }
  }

  private static final List<String> KEYS = List.of("strategy", "targets", "fallbackOn", "timeout", "retries",
      "firstByteTimeout");
  private static final List<String> TARGET_KEYS = List.of("provider", "model", "weight");

  /**
   * The group {@code name} from its config object; whether its providers exist is checked by
   * {@link GatewayOptions#addModelGroup}.
   *
   * @throws IllegalArgumentException naming the offending field
   */
  static ModelGroup fromJson(String name, Object config) {
    String where = "models." + name;
    if (!(config instanceof JsonObject json)) {
      throw new IllegalArgumentException(where + " must be an object");
    }
    ConfigReader.check(json, where, KEYS);
    String strategyName = ConfigReader.field(json, "strategy", String.class, false, where);
    Strategy strategy = strategyName == null ? Strategy.FALLBACK : Arrays.stream(Strategy.values())
        .filter(candidate -> candidate.configName.equals(strategyName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(where + ".strategy '" + strategyName + "' is unknown"
            + ConfigReader.suggestion(strategyName, Arrays.stream(Strategy.values()).map(Strategy::configName).toList())));
    JsonArray list = ConfigReader.field(json, "targets", JsonArray.class, true, where);
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = where + ".targets[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject target)) {
        throw new IllegalArgumentException(at + " must be an object");
      }
      ConfigReader.check(target, at, TARGET_KEYS);
      Integer weight = ConfigReader.integer(target, "weight", 1, at);
      targets.add(new Target(ConfigReader.field(target, "provider", String.class, true, at),
          ConfigReader.field(target, "model", String.class, true, at), weight == null ? 1 : weight));
    }
    Set<String> fallbackOn = new LinkedHashSet<>();
    List<String> codes = ConfigReader.strings(json, "fallbackOn", where);
    for (int i = 0; i < codes.size(); i++) {
      if (!FALLBACK_ON.contains(codes.get(i))) {
        throw new IllegalArgumentException(where + ".fallbackOn[" + i + "] '" + codes.get(i) + "' is unknown"
            + ConfigReader.suggestion(codes.get(i), FALLBACK_ON));
      }
      fallbackOn.add(codes.get(i));
    }
    Integer timeout = ConfigReader.integer(json, "timeout", 1, where);
    Integer firstByte = ConfigReader.integer(json, "firstByteTimeout", 1, where);
    return new ModelGroup(name, strategy, targets, fallbackOn, timeout == null ? null : timeout.longValue(),
        ConfigReader.integer(json, "retries", 0, where), firstByte == null ? null : firstByte.longValue());
  }
}
