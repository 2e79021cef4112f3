package io.g4f.server.pipeline;

import io.g4f.server.routing.Attempts;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage, the last: asks the route's targets in turn ({@link Attempts}: breakers, per-route timeouts and retries,
 * fallback before the first event, spans), each as the call's API asks one; or, for a call without a route, takes
 * the gateway's own answer.
 */
final class Invoke implements Stage {

  private final Attempts attempts;

  Invoke(Attempts attempts) {
    this.attempts = attempts;
  }

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    Api<Q, A, E> api = call.api();
    if (call.route() == null) {
      return api.local(call).map(answer -> Reply.whole(null, answer));
    }
    if (call.streamed()) {
      return attempts.stream(call.route(), api.operation(), call.model(), call.options(),
              (target, client, options, span) -> api.stream(call, target, client, options, span),
              (target, span) -> event -> api.seen(call, target, span, event))
          .map(served -> {
            served(call, served);
            return Reply.<A, E>streamed(served.target(), served.answer(), served.answer().finished());
          });
    }
    return attempts.complete(call.route(), api.operation(), call.model(), call.options(),
            (target, client, options, span) -> api.whole(call, target, client, options, span))
        .map(served -> {
          served(call, served);
          return Reply.<A, E>whole(served.target(), served.answer());
        });
  }

  /** Notes the target that served {@code call}, and in its access-log line the targets tried when it fell back. */
  private static void served(Call<?, ?, ?> call, Attempts.Served<?> served) {
    call.served(served.target());
    if (!served.before().isEmpty()) {
      List<String> tried = new ArrayList<>();
      served.before().forEach(target -> tried.add(target.toString()));
      tried.add(served.target().toString());
      call.exchange().entry().targets(tried);
    }
  }
}
