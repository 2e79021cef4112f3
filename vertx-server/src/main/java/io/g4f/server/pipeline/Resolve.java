package io.g4f.server.pipeline;

import io.g4f.server.routing.ModelRouter;
import io.vertx.core.Future;

/**
 * Stage: the call's route, the targets it may go to in order ({@link ModelRouter}): the providers it names (path,
 * header or body), a model group, the provider that lists its model, or the default; 404 for an unknown one.
 */
final class Resolve implements Stage {

  private final ModelRouter router;

  Resolve(ModelRouter router) {
    this.router = router;
  }

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    call.route(call.api().route(call, router, call.exchange().providers()));
    return chain.proceed(call);
  }
}
