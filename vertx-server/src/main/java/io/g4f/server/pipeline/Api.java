package io.g4f.server.pipeline;

import io.g4f.client.AsyncClient;
import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.server.observability.AttemptSpan;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Target;
import io.g4f.server.wire.OpenAiErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One API the gateway serves (chat completions, Responses, Messages, embeddings, images, models), as the
 * {@link Pipeline} needs it: how a body becomes a request and a route, how one target is asked, and how an answer, a
 * stream event and an error look in the API's own shape. Everything else (callers, limits, fallback, accounting,
 * cancellation, transports) is the pipeline's. Implementations hold no call's state but in the request they decode.
 *
 * @param <Q> the decoded request
 * @param <A> a whole answer
 * @param <E> a stream event
 */
public interface Api<Q, A, E> {

  /** The API's operation name, as spans name it: {@code chat}, {@code embeddings}, {@code images}, {@code models}. */
  String operation();

  /** The API's name in the spend ledger ({@code chat}, {@code responses}, {@code messages}, ...): its operation's by default. */
  default String name() {
    return operation();
  }

  /**
   * The request in {@code body} (null: none); may take g4f's {@code provider} field out of it.
   *
   * @throws io.g4f.client.errors.G4fException 400 naming the field that does not fit
   */
  Q decode(Call<Q, A, E> call, Buffer body);

  /** The model {@code request} asks for, or null for the default. */
  String model(Q request);

  /** Whether {@code request} asks for a stream. */
  default boolean streamed(Q request) {
    return false;
  }

  /** Whether calls count against a caller's request and token limits (listings do not). */
  default boolean limited() {
    return true;
  }

  /**
   * The targets of the call, given the providers named outside its body ({@code named}: path or header, or null);
   * null for a call the gateway answers itself ({@link #local}).
   *
   * @throws io.g4f.client.errors.G4fException 404 for an unknown provider or model, 400 for a bad {@code provider} field
   */
  ModelRouter.Route route(Call<Q, A, E> call, ModelRouter router, String named);

  /** The gateway's own answer to a call without a route. */
  default Future<A> local(Call<Q, A, E> call) {
    return Future.failedFuture(new IllegalStateException(operation() + " has no local answer"));
  }

  /**
   * One target's whole answer, asked of {@code client} (the target's) with {@code options}; it notes the usage it
   * reports ({@link Call#used}) and what the span should know.
   */
  Future<A> whole(Call<Q, A, E> call, Target target, AsyncClient client, DirectCallOptions options, AttemptSpan span);

  /** One target's stream; each event it makes passes {@link #seen} as it arrives. */
  default Future<CancellableStream<E>> stream(Call<Q, A, E> call, Target target, AsyncClient client,
                                              DirectCallOptions options, AttemptSpan span) {
    return Future.failedFuture(new IllegalStateException(operation() + " does not stream"));
  }

  /** Sees an event of {@code target}'s stream as it arrives, before anyone reads it: usage, span. */
  default void seen(Call<Q, A, E> call, Target target, AttemptSpan span, E event) {
  }

  /** A whole answer as JSON bytes. */
  Buffer encode(Call<Q, A, E> call, A answer);

  /** The content type of the API's event stream over HTTP. */
  default String eventContentType() {
    return "text/event-stream";
  }

  /** A stream event as server-sent-event bytes. */
  default Buffer sse(Call<Q, A, E> call, E event) {
    throw new UnsupportedOperationException(operation() + " does not stream");
  }

  /** A stream event as the JSON chunk an event-bus stream carries. */
  default JsonObject chunk(Call<Q, A, E> call, E event) {
    throw new UnsupportedOperationException(operation() + " does not stream");
  }

  /** What follows a stream's last event over HTTP ({@code data: [DONE]} for chat); empty by default. */
  default Buffer sseEnd(Call<Q, A, E> call) {
    return Buffer.buffer();
  }

  /** The events that close an HTTP stream that failed after it had begun (the gateway's shutdown included). */
  default Buffer sseFailure(Call<Q, A, E> call, Throwable failure) {
    throw new UnsupportedOperationException(operation() + " does not stream");
  }

  /**
   * A failure as this API renders it: status, body in its error shape, Retry-After; the call may not be decoded.
   * OpenAI's shape by default.
   */
  default OpenAiErrors.Error error(Call<Q, A, E> call, Throwable failure) {
    return OpenAiErrors.of(failure);
  }
}
