package io.g4f.server.pipeline;

import io.g4f.server.spend.Spend;
import io.vertx.core.Future;

/**
 * Stage, before {@link Admit} (a call refused here counts against no rate): the caller's key has not spent its budget
 * for the period ({@link Spend#check}, counted across the cluster), else 429 {@code insufficient_quota} /
 * {@code budget_exceeded} in the API's error shape, before any upstream is asked. A call admitted under its budget
 * runs to its end, whatever it costs. Listings are not checked.
 */
final class Budget implements Stage {

  private final Spend spend;

  Budget(Spend spend) {
    this.spend = spend;
  }

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    if (!call.api().limited()) {
      return chain.proceed(call);
    }
    return spend.check(call.caller()).compose(within -> chain.proceed(call));
  }
}
