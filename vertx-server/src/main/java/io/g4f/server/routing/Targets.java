package io.g4f.server.routing;

import io.g4f.server.config.GatewayOptions;
import io.g4f.server.observability.GatewayMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing targets the gateway keeps, each a configured provider asked for one model with its circuit breaker,
 * requests in flight and latency ({@link Target}), shared by every event loop: a model group's targets from the start,
 * others as requests first name them, at most {@link #MAX_TARGETS}. Thread-safe.
 */
public final class Targets {

  /** Most targets kept (with breaker, latency and metrics); beyond, requests for new ones get a fresh untracked target. */
  static final int MAX_TARGETS = 1024;

  private final GatewayOptions options;
  private final GatewayMetrics metrics;
  private final Map<String, Target> targets = new LinkedHashMap<>();

  /** The targets of {@code options}' providers, measured in {@code metrics}; each model group's are made at once. */
  public Targets(GatewayOptions options, GatewayMetrics metrics) {
    this.options = options;
    this.metrics = metrics;
    options.getModelGroups().forEach(group -> group.targets().forEach(target -> target(target.provider(), target.model())));
  }

  /** The target of {@code provider} (a configured name) and {@code model}, kept while fewer than {@link #MAX_TARGETS} are. */
  Target target(String provider, String model) {
    synchronized (targets) {
      Target target = targets.get(Target.key(provider, model));
      if (target == null) {
        target = new Target(provider, model, options.getClock(), options.getBreakerFailureThreshold(),
            options.getBreakerCoolDown());
        if (targets.size() < MAX_TARGETS) {
          targets.put(Target.key(provider, model), target);
          metrics.target(target);
        }
      }
      return target;
    }
  }

  /** The targets kept now, in the order they were made. */
  List<Target> known() {
    synchronized (targets) {
      return List.copyOf(targets.values());
    }
  }
}
