package io.g4f.server.access;

import io.g4f.client.Usage;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.RateLimitException;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.TeamKeys;
import io.g4f.server.observability.GatewayMetrics;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Target;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;

/**
 * The gateway's access control, one policy for HTTP and both bridges. A gateway with an admin key
 * ({@code --api-key}) or team keys ({@link TeamKeys}) is guarded: any of them authenticates (compared in
 * constant time), nothing else does; without keys it is open. Each model call is then authorized against the targets
 * its route may try ({@link #authorize}: 403 {@code permission_denied}) and admitted or refused: a caller
 * over its requests per minute (its team's {@code rpm}, else the gateway's {@code rateLimitPerMinute}) or whose
 * minute's usage tokens reached its team's {@code tpm} gets 429 with {@code Retry-After}, the seconds to the
 * next minute. Limits count per key name, else (open gateway) per caller address, in {@link MinuteCounters}
 * (cluster-wide); callers inside the cluster are not limited. Listing routes, health and metrics never count.
 * Keys are never logged, stored in a caller, or put in an error.
 */
public final class Access {

  private final GatewayOptions options;
  private final TeamKeys teams;
  private final byte[] adminKey;
  private final MinuteCounters counters;
  private final GatewayMetrics metrics;

  public Access(Vertx vertx, GatewayOptions options, GatewayMetrics metrics, Clock clock) {
    this.options = options;
    this.teams = options.getTeamKeys();
    this.adminKey = options.getApiKey() == null ? null : options.getApiKey().getBytes(StandardCharsets.UTF_8);
    if (adminKey != null && teams.find(adminKey) != null) {
      throw new IllegalArgumentException("keys: a team key is the admin key (--api-key)");
    }
    teams.checkProviders(name -> options.provider(name) != null);
    this.counters = new MinuteCounters(vertx, clock);
    this.metrics = metrics;
  }

  /** Whether callers must present a key. */
  public boolean guarded() {
    return adminKey != null || !teams.isEmpty();
  }

  /** The caller presenting {@code presented} (null for none) from {@code address}; null when a guarded gateway knows no such key. */
  public Caller identify(String presented, String address) {
    if (!guarded()) {
      return new Caller(null, address);
    }
    if (presented == null) {
      return null;
    }
    byte[] given = presented.getBytes(StandardCharsets.UTF_8);
    boolean admin = adminKey != null && MessageDigest.isEqual(adminKey, given);
    TeamKeys.TeamKey team = teams.find(given);
    return admin ? new Caller(TeamKeys.ADMIN, address) : team != null ? new Caller(team.name(), address) : null;
  }

  /**
   * A caller's address: with {@code trustForwardedFor}, the last {@code X-Forwarded-For} entry (the one the
   * trusted proxy in front of the gateway added), else the peer's address.
   */
  public String address(MultiMap headers, SocketAddress peer) {
    String forwarded = options.isTrustForwardedFor() && headers != null ? headers.get("x-forwarded-for") : null;
    if (forwarded != null) {
      String last = forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
      if (!last.isEmpty()) {
        return last;
      }
    }
    return peer == null ? "unknown" : peer.hostAddress();
  }

  /**
   * Whether {@code caller} may read the operator routes ({@code /metrics}, {@code /v1/providers}: every team's usage,
   * the upstreams' state): the operator key, a team key with {@code "admin": true}, or anyone on an open gateway.
   */
  public boolean operator(Caller caller) {
    if (!guarded()) {
      return true;
    }
    TeamKeys.TeamKey team = team(caller);
    return TeamKeys.ADMIN.equals(caller.keyName()) || team != null && team.admin();
  }

  /** Whether {@code caller} may use, and so sees listed, the model or group {@code model}. */
  public boolean lists(Caller caller, String model) {
    TeamKeys.TeamKey team = team(caller);
    return team == null || team.mayUse(model);
  }

  /**
   * Checks that {@code caller} may reach every target of {@code route}: a team key with {@code models} may reach the
   * models and groups it lists (null, the default model: none), on the providers the config maps them to
   * ({@link ModelRouter.Route#mapped}) and on those its {@code providers} lists; naming any other provider (header,
   * body or path) is refused. Keys without either list, the admin key and callers of an open gateway reach anything.
   *
   * @throws AuthenticationException 403 {@code permission_denied}, naming the model or provider refused
   */
  public void authorize(Caller caller, ModelRouter.Route route) {
    TeamKeys.TeamKey team = team(caller);
    if (team == null) {
      return;
    }
    String model = route.asked();
    if (!team.mayUse(model)) {
      throw new AuthenticationException(model == null
          ? "This API key may only use the models it is given; name one of them in 'model'"
          : "This API key may not use the model '" + model + "'",
          new ErrorDetails().status(403).type("permission_denied").code("permission_denied").param("model"));
    }
    for (Target target : route.targets()) {
      if (!team.mayReach(target.provider(), route.mapped())) {
        throw new AuthenticationException("This API key may not use the provider '" + target.provider() + "'"
            + (model == null ? "" : " for the model '" + model + "'"),
            new ErrorDetails().status(403).type("permission_denied").code("permission_denied").param("provider"));
      }
    }
  }

  /**
   * Admits one model call of {@code caller}, counting it; fails with a {@link RateLimitException} (429) when it is
   * over its requests a minute or its minute's usage tokens reached its limit.
   */
  public Future<Void> admit(Caller caller) {
    TeamKeys.TeamKey team = team(caller);
    String id = caller.id();
    int rpm = id == null ? 0 : team != null && team.rpm() > 0 ? team.rpm() : options.getRateLimitPerMinute();
    long tpm = id == null || team == null ? 0 : team.tpm();
    Future<Void> tokens = tpm == 0 ? Future.succeededFuture()
        : counters.get("tpm." + id).compose(used -> within(used < tpm, "Token limit of " + tpm + " tokens"));
    Future<Void> requests = tokens.compose(ok -> rpm == 0 ? Future.succeededFuture()
        : counters.add("rpm." + id, 1).compose(count -> within(count <= rpm, "Rate limit of " + rpm + " requests")));
    return requests.onSuccess(admitted -> {
      if (caller.keyName() != null) {
        metrics.keyRequest(caller.keyName());
      }
    });
  }

  /** The team key {@code caller} presented, or null (the operator key, an open gateway, the cluster itself). */
  private TeamKeys.TeamKey team(Caller caller) {
    return caller.keyName() == null ? null : teams.named(caller.keyName());
  }

  /** Succeeds when {@code within}; else fails with a 429 until the next minute, saying which {@code limit} was reached. */
  private Future<Void> within(boolean within, String limit) {
    if (within) {
      return Future.succeededFuture();
    }
    long seconds = counters.secondsLeft();
    return Future.failedFuture(new RateLimitException(limit + " per minute reached; retry in " + seconds + " s",
        new ErrorDetails().status(429).type("rate_limit_error").code("rate_limit_exceeded")
            .retryAfter(Duration.ofSeconds(seconds))));
  }

  /** Records the usage an answer to {@code caller} reported (null for none): its team's tokens this minute, and metrics. */
  public void used(Caller caller, Usage usage) {
    if (usage == null || caller.keyName() == null) {
      return;
    }
    metrics.keyTokens(caller.keyName(), usage);
    TeamKeys.TeamKey team = teams.named(caller.keyName());
    long total = usage.getTotalTokens() != null ? usage.getTotalTokens()
        : (usage.getPromptTokens() == null ? 0 : usage.getPromptTokens())
            + (usage.getCompletionTokens() == null ? 0 : usage.getCompletionTokens());
    if (team != null && team.tpm() > 0 && total > 0) {
      counters.add("tpm." + caller.id(), total);
    }
  }
}
