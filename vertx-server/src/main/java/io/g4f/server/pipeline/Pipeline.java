package io.g4f.server.pipeline;

import io.g4f.server.access.Access;
import io.g4f.server.observability.GatewayMetrics;
import io.g4f.server.routing.Attempts;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.spend.Spend;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The one call flow of the gateway, the same for every {@link Api} on every {@link Exchange}: a call passes the
 * stages in order ({@link Authenticate}, {@link Decode}, {@link Resolve}, {@link Authorize},
 * {@link Admit}, {@link Account}, {@link Invoke}), then its exchange writes the answer, the stream or the failure in the API's
 * shape. A caller who leaves cancels the upstream call, before or after its first byte ({@link Exchange#options}).
 * See {@code docs/architecture.md}.
 */
public final class Pipeline {

  private final List<Stage> stages;
  /** The chain from each stage on (the last, past every stage), made once: a link holds no call's state. */
  private final List<Link> links;

  /**
   * The gateway's stages, for calls routed by {@code router}, admitted by {@code access}, checked against budgets and
   * charged by {@code spend} (with the time of {@code clock}) and tried by {@code attempts} (the current event loop's).
   */
  public Pipeline(ModelRouter router, Attempts attempts, Access access, GatewayMetrics metrics, Spend spend,
                  Clock clock) {
    this(List.of(new Authenticate(), new Decode(), new Resolve(router), new Authorize(access),
        new Admit(access, spend), new Account(access, metrics, spend, clock), new Invoke(attempts)));
  }

  /** A pipeline of {@code stages}, in order; the last answers every call it gets. */
  public Pipeline(List<Stage> stages) {
    this.stages = List.copyOf(stages);
    this.links = IntStream.rangeClosed(0, this.stages.size()).mapToObj(Link::new).toList();
  }

  /** Runs the call {@code exchange} carries through the stages and writes what it got. */
  public <Q, A, E> void run(Api<Q, A, E> api, Exchange exchange) {
    Call<Q, A, E> call = new Call<>(api, exchange);
    links.get(0).proceed(call).onComplete(done -> {
      if (done.failed()) {
        exchange.fail(call, done.cause());
      } else if (done.result().stream() != null) {
        exchange.stream(call, done.result());
      } else {
        exchange.answer(call, done.result());
      }
    });
  }

  /** The chain from stage {@code index} on. */
  private final class Link implements Stage.Chain {

    private final int index;

    Link(int index) {
      this.index = index;
    }

    @Override
    public <Q, A, E> Future<Reply<A, E>> proceed(Call<Q, A, E> call) {
      if (index == stages.size()) {
        return Future.failedFuture(new IllegalStateException("No stage answered the call"));
      }
      try {
        return stages.get(index).handle(call, links.get(index + 1));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
  }
}
