package io.g4f.server.pipeline;

import io.g4f.client.DirectCallOptions;
import io.g4f.server.access.Caller;
import io.g4f.server.observability.AccessLog;
import io.vertx.core.buffer.Buffer;

/**
 * A call as one transport carries it (an HTTP request, an event-bus message from a verticle or a bridge): how the
 * {@link Pipeline} reads it and how the answer, the stream or the failure is written back, in the shapes the call's
 * {@link Api} renders. Used on the event loop the request arrived on.
 */
public interface Exchange {

  /**
   * The caller the transport identified, and noted in the call's access-log entry.
   *
   * @throws io.g4f.client.errors.AuthenticationException 401 when the transport found no valid key
   */
  Caller caller();

  /** The request body, or null for none. */
  Buffer body();

  /** The providers named outside the body (a path, a header), or null. */
  String providers();

  /** A parameter of the request's path ({@code id} of {@code /v1/models/{id}}), or null (always on the event bus). */
  String pathParam(String name);

  /** A request header's value (several joined with commas), or null. */
  String header(String name);

  /**
   * The settings of the call's upstream requests: its timeout, its request id, and a cancellation that completes when
   * the caller goes away.
   *
   * @param streamed whether the answer will be a stream (an event-bus stream reads its credits)
   * @throws io.g4f.client.errors.G4fException 400 for a setting that does not fit
   */
  DirectCallOptions options(boolean streamed);

  /** The origin the caller reaches the gateway at ({@code http://host:port}), for URLs in answers. */
  String origin();

  /** The call's access-log entry. */
  AccessLog.Entry entry();

  /** Writes a whole answer. */
  <Q, A, E> void answer(Call<Q, A, E> call, Reply<A, E> reply);

  /** Writes a stream, ending it as the API ends one, and cancels it when the caller goes away. */
  <Q, A, E> void stream(Call<Q, A, E> call, Reply<A, E> reply);

  /** Writes a failure in the API's error shape. */
  <Q, A, E> void fail(Call<Q, A, E> call, Throwable failure);
}
