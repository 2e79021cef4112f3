package io.g4f.server.pipeline;

import io.g4f.server.access.Access;
import io.g4f.server.observability.GatewayMetrics;
import io.vertx.core.Future;
import java.util.concurrent.CancellationException;

/**
 * Stage: counts what the call used, once, when its answer is over (a stream when it ends, fails or is cancelled):
 * tokens by provider, the caller's tokens against its limit and in its metrics, the provider and usage in the access
 * log; and an upstream failure against its provider (not a caller who left).
 */
final class Account implements Stage {

  private final Access access;
  private final GatewayMetrics metrics;

  Account(Access access, GatewayMetrics metrics) {
    this.access = access;
    this.metrics = metrics;
  }

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    return chain.proceed(call).andThen(done -> {
      if (done.failed()) {
        if (!(done.cause() instanceof CancellationException)) {
          metrics.upstreamError(call.route() == null ? null : call.route().provider(), done.cause());
        }
        return;
      }
      Reply<A, E> reply = done.result();
      if (reply.target() == null) {
        return;
      }
      String provider = reply.provider();
      reply.finished().onComplete(over -> {
        metrics.tokens(provider, call.usage());
        access.used(call.caller(), call.usage());
        call.exchange().entry().served(provider, call.usage());
        if (over.failed() && !(over.cause() instanceof CancellationException)) {
          metrics.upstreamError(provider, over.cause());
        }
      });
    });
  }
}
