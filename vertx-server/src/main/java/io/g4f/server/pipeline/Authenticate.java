package io.g4f.server.pipeline;

import io.g4f.server.access.Caller;
import io.vertx.core.Future;

/**
 * Stage: who makes the call, as its exchange identified it ({@link Access#authenticate} for HTTP, before the body is
 * read; a bridge's mark or the trusted event bus for messages); a call without a valid key fails with 401.
 */
final class Authenticate implements Stage {

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    Caller caller = call.exchange().caller();
    call.caller(caller);
    call.exchange().entry().caller(caller.id());
    return chain.proceed(call);
  }
}
