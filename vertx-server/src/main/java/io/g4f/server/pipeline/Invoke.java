package io.g4f.server.pipeline;

import io.g4f.server.routing.Attempts;
import io.vertx.core.Future;

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
            call.served(served.target());
            return Reply.<A, E>streamed(served.target(), served.answer(), served.answer().finished());
          });
    }
    return attempts.complete(call.route(), api.operation(), call.model(), call.options(),
            (target, client, options, span) -> api.whole(call, target, client, options, span))
        .map(served -> {
          call.served(served.target());
          return Reply.<A, E>whole(served.target(), served.answer());
        });
  }
}
