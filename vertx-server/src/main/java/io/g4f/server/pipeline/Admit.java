package io.g4f.server.pipeline;

import io.g4f.server.access.Access;
import io.g4f.server.spend.Spend;
import io.vertx.core.Future;

/**
 * Stage: the call is within its caller's budget for the period ({@link Spend#check}: 429 {@code insufficient_quota} /
 * {@code budget_exceeded}), then within its limits ({@link Access#admit}: requests and usage tokens a minute, 429 with
 * Retry-After), each counted across the cluster, before any upstream is asked; a call refused for its budget counts
 * against no rate, and one admitted under its budget runs to its end, whatever it costs. Listings are not counted.
 */
final class Admit implements Stage {

  private final Access access;
  private final Spend spend;

  Admit(Access access, Spend spend) {
    this.access = access;
    this.spend = spend;
  }

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    if (!call.api().limited()) {
      return chain.proceed(call);
    }
    return spend.check(call.caller()).compose(within -> access.admit(call.caller()))
        .compose(admitted -> chain.proceed(call));
  }
}
