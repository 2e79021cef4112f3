package io.g4f.server.pipeline;

import io.g4f.client.Usage;
import io.g4f.server.access.Access;
import io.g4f.server.observability.AccessLog;
import io.g4f.server.observability.GatewayMetrics;
import io.g4f.server.observability.RequestSpan;
import io.g4f.server.spend.Costs;
import io.g4f.server.spend.Ledger;
import io.g4f.server.spend.Spend;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CancellationException;

/**
 * Stage: counts what the call used, once, when its answer is over (a stream when it ends, fails or is cancelled):
 * tokens by provider, the caller's tokens against its limit and in its metrics, the cost of the answer
 * ({@link Call#cost}, priced once; for a whole answer before it is written, so that the answer can carry it), the
 * provider, usage and cost in the access log and on the request's span, and the charge ({@link Spend#charge}: cost
 * metric, budget, ledger row); and an upstream failure against its provider (not a caller who left), charged as a
 * row without cost.
 */
final class Account implements Stage {

  private final Access access;
  private final GatewayMetrics metrics;
  private final Spend spend;
  private final Clock clock;

  Account(Access access, GatewayMetrics metrics, Spend spend, Clock clock) {
    this.access = access;
    this.metrics = metrics;
    this.spend = spend;
    this.clock = clock;
  }

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    Instant at = clock.instant();
    long start = System.nanoTime();
    RequestSpan span = RequestSpan.current();
    call.spend(spend);
    return chain.proceed(call).andThen(done -> {
      if (done.failed()) {
        boolean left = done.cause() instanceof CancellationException;
        String provider = call.route() == null ? null : call.route().provider();
        if (!left) {
          metrics.upstreamError(provider, done.cause());
        }
        if (call.route() != null) {
          spend.charge(call.caller(), row(call, at, start, null, provider, null,
              left ? AccessLog.CLIENT_CLOSED : call.api().error(call, done.cause()).status(), BigDecimal.ZERO, null));
        }
        return;
      }
      Reply<A, E> reply = done.result();
      if (reply.target() == null) {
        return;
      }
      String provider = reply.provider();
      Long firstEvent = reply.stream() == null ? null : millisSince(start);
      reply.finished().onComplete(over -> {
        Usage usage = call.usage();
        BigDecimal cost = call.cost(reply.target());
        metrics.tokens(provider, usage);
        access.used(call.caller(), usage);
        call.exchange().entry().served(provider, usage).cost(cost);
        span.cost(cost);
        boolean left = over.failed() && over.cause() instanceof CancellationException;
        if (over.failed() && !left) {
          metrics.upstreamError(provider, over.cause());
        }
        int status = over.succeeded() ? 200
            : left ? AccessLog.CLIENT_CLOSED : call.api().error(call, over.cause()).status();
        spend.charge(call.caller(), row(call, at, start, usage, provider, call.model(reply.target()), status, cost,
            firstEvent));
      });
    });
  }

  private static Ledger.Entry row(Call<?, ?, ?> call, Instant at, long start, Usage usage, String provider,
                                  String model, int status, BigDecimal cost, Long firstEvent) {
    String requestId = call.options() == null ? null : call.options().getHeaders().get(AccessLog.REQUEST_ID_HEADER);
    return new Ledger.Entry(at, requestId, call.caller() == null ? null : call.caller().keyName(), call.api().name(),
        provider, model != null ? model : call.model(), status, usage == null ? null : usage.getPromptTokens(),
        usage == null ? null : usage.getCompletionTokens(), usage == null ? null : (int) Costs.cachedTokens(usage),
        cost, millisSince(start), firstEvent);
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }
}
