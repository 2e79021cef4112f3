package io.g4f.server.pipeline;

import io.vertx.core.Future;

/**
 * Stage: who makes the call, as its exchange identified it (for HTTP, the gateway's key check before the body is read;
 * for messages, a bridge's mark or the trusted event bus) and noted in the access log; a call without a valid key
 * fails with 401.
 */
final class Authenticate implements Stage {

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    call.caller(call.exchange().caller());
    return chain.proceed(call);
  }
}
