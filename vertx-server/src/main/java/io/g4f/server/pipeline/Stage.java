package io.g4f.server.pipeline;

import io.vertx.core.Future;

/**
 * One step of the {@link Pipeline}, as OkHttp's interceptors and Spring Cloud Gateway's filters are: it does its job
 * on the call (reads, checks, routes, counts), then hands it to the rest of the chain, or answers it itself (a
 * refusal, later a cached answer); it may look at what the rest answered (accounting). Stages are shared by every
 * call of an event loop and hold no call's state.
 */
interface Stage {

  /** Processes {@code call}: fails it, answers it, or returns what {@code chain} answers (seen or changed). */
  <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain);

  /** The stages after this one. */
  interface Chain {

    /** Hands {@code call} to the next stage. */
    <Q, A, E> Future<Reply<A, E>> proceed(Call<Q, A, E> call);
  }
}
