package io.g4f.server.pipeline;

import io.g4f.server.access.Access;
import io.vertx.core.Future;

/**
 * Stage: the call is within its caller's limits ({@link Access#admit}: requests and usage tokens a minute, counted
 * across the cluster), and is counted; else 429 with Retry-After. Listings are not counted.
 */
final class Admit implements Stage {

  private final Access access;

  Admit(Access access) {
    this.access = access;
  }

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    if (!call.api().limited()) {
      return chain.proceed(call);
    }
    return access.admit(call.caller()).compose(admitted -> chain.proceed(call));
  }
}
