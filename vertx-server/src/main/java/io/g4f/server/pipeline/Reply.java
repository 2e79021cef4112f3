package io.g4f.server.pipeline;

import io.g4f.client.CancellableStream;
import io.g4f.server.routing.Target;
import io.vertx.core.Future;

/**
 * What a call got: a whole answer or a stream of events, the target that gave it (null for an answer the gateway
 * made itself, a model listing), and {@link #finished()}, which completes once the answer is over: at once for a
 * whole answer, when a stream ends or fails (a cancellation included) for a stream.
 *
 * @param <A> the API's whole answer
 * @param <E> the API's stream events
 */
public record Reply<A, E>(Target target, A answer, CancellableStream<E> stream, Future<Void> finished) {

  /** A whole answer of {@code target} (null: the gateway's own). */
  static <A, E> Reply<A, E> whole(Target target, A answer) {
    return new Reply<>(target, answer, null, Future.succeededFuture());
  }

  /** A stream of {@code target}, over once {@code finished} completes. */
  static <A, E> Reply<A, E> streamed(Target target, CancellableStream<E> stream, Future<Void> finished) {
    return new Reply<>(target, null, stream, finished);
  }

  /** The configured provider that answered, or null. */
  public String provider() {
    return target == null ? null : target.provider();
  }
}
