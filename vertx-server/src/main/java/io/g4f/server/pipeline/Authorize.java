package io.g4f.server.pipeline;

import io.g4f.server.access.Access;
import io.vertx.core.Future;

/**
 * Stage: the caller's key may reach every target of the call's route, the first and each fallback
 * ({@link Access#authorize}); else 403 {@code permission_denied}, before any upstream is asked.
 */
final class Authorize implements Stage {

  private final Access access;

  Authorize(Access access) {
    this.access = access;
  }

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    if (call.route() != null) {
      access.authorize(call.caller(), call.route());
    }
    return chain.proceed(call);
  }
}
