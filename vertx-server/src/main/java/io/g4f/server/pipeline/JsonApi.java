package io.g4f.server.pipeline;

import io.g4f.client.spi.toolkit.Json;
import io.g4f.server.wire.RequestBodies;
import io.vertx.core.buffer.Buffer;
import java.util.function.Function;

/**
 * An {@link Api} whose requests are one of the client library's request types and whose whole answers are its answer
 * types, read and written as JSON: chat completions, embeddings, image generations.
 *
 * @param <Q> the request type
 * @param <A> the answer type
 * @param <E> the stream events
 */
public abstract class JsonApi<Q, A, E> implements Api<Q, A, E> {

  private final String operation;
  private final Class<Q> type;
  private final Function<Q, String> model;

  /** An API of {@code operation} whose bodies are {@code type}s asking for {@code model}. */
  protected JsonApi(String operation, Class<Q> type, Function<Q, String> model) {
    this.operation = operation;
    this.type = type;
    this.model = model;
  }

  @Override
  public final String operation() {
    return operation;
  }

  @Override
  public final Q decode(Call<Q, A, E> call, Buffer body) {
    return RequestBodies.parse(body, type);
  }

  @Override
  public final String model(Q request) {
    return model.apply(request);
  }

  @Override
  public final Buffer encode(Call<Q, A, E> call, A answer) {
    return Json.encode(answer);
  }
}
