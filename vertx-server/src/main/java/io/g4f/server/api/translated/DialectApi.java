package io.g4f.server.api.translated;

import io.g4f.client.AsyncClient;
import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.server.observability.AttemptSpan;
import io.g4f.server.pipeline.Api;
import io.g4f.server.pipeline.Call;
import io.g4f.server.routing.Attempts;
import io.g4f.server.routing.Listings;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Target;
import io.g4f.server.wire.MappedStream;
import io.g4f.server.wire.OpenAiErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * An API served through chat ({@link ChatDialect}: {@link ResponsesDialect}, {@link MessagesDialect}) as the pipeline runs
 * it: the body translated to a chat request that routes and falls back as chat does, the answer and events translated
 * back, every error in the API's own shape. A call to a target whose provider speaks the API natively goes
 * untranslated ({@link ChatDialect#passesThrough}, {@link MessagesPassthrough}), and so does its answer, its events
 * and its errors; a fallback to another target is translated. Over HTTP a stream's events are server-sent events; on
 * the event bus each chunk is an event's data.
 */
public final class DialectApi implements Api<DialectApi.Request, DialectApi.Answer, ChatDialect.Event> {

  private final ChatDialect dialect;
  private final MessagesPassthrough passthrough;

  public DialectApi(ChatDialect dialect, Listings listings) {
    this.dialect = dialect;
    this.passthrough = dialect.passesThrough() ? new MessagesPassthrough(listings) : null;
  }

  /** A whole answer in the API's shape, as bytes. */
  record Answer(Buffer body) {
  }

  /**
   * One call's request: its body, its translation to chat (null when it has none, with the reason in
   * {@code untranslatable}, for a call that may still pass through), the chat request that routes it, the
   * {@code anthropic-beta} header, and the native failure seen so far.
   */
  static final class Request {

    final JsonObject body;
    final ChatDialect.Call call;
    final G4fException untranslatable;
    final ChatCompletionRequest routed;
    final String beta;
    Throwable nativeFailure;

    Request(JsonObject body, ChatDialect.Call call, G4fException untranslatable, ChatCompletionRequest routed,
            String beta) {
      this.body = body;
      this.call = call;
      this.untranslatable = untranslatable;
      this.routed = routed;
      this.beta = beta;
    }

    /** The translation, or the reason there is none. */
    Future<ChatDialect.Call> translated() {
      return call != null ? Future.succeededFuture(call) : Future.failedFuture(untranslatable);
    }
  }

  @Override
  public String operation() {
    return "chat";
  }

  @Override
  public String name() {
    return dialect.name();
  }

  @Override
  public Request decode(Call<Request, Answer, ChatDialect.Event> call, Buffer raw) {
    JsonObject body = json(raw);
    ChatDialect.Call translation = null;
    G4fException untranslatable = null;
    try {
      translation = dialect.call(body);
    } catch (G4fException e) {
      if (passthrough == null) {
        throw e;
      }
      untranslatable = e;
    }
    ChatCompletionRequest routed;
    try {
      routed = translation != null ? translation.request() : MessagesPassthrough.routing(body);
    } catch (G4fException e) {
      throw untranslatable != null ? untranslatable : e;
    }
    return new Request(body, translation, untranslatable, routed,
        call.exchange().header(MessagesPassthrough.ANTHROPIC_BETA));
  }

  private static JsonObject json(Buffer body) {
    if (body == null || body.length() == 0) {
      throw InvalidRequestException.forParam("The request body must be a JSON object", null, null);
    }
    try {
      return body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw InvalidRequestException.forParam("The request body must be a JSON object: " + e.getMessage(), null, null);
    }
  }

  @Override
  public String model(Request request) {
    return request.routed.getModel();
  }

  @Override
  public boolean streamed(Request request) {
    return Boolean.TRUE.equals(request.body.getValue("stream"));
  }

  /** The route of the chat request; a body the translation refused is refused unless a target takes it as it is. */
  @Override
  public ModelRouter.Route route(Call<Request, Answer, ChatDialect.Event> call, ModelRouter router, String named) {
    Request request = call.request();
    ModelRouter.Route route;
    try {
      route = router.route(named, request.routed.getModel(), request.routed);
    } catch (G4fException e) {
      throw request.untranslatable != null ? request.untranslatable : e;
    }
    if (request.untranslatable != null && route.targets().stream().noneMatch(passthrough::serves)) {
      throw request.untranslatable;
    }
    return route;
  }

  /** Whether calls to {@code target} pass through untranslated. */
  private boolean passesThrough(Target target) {
    return passthrough != null && passthrough.serves(target);
  }

  @Override
  public Future<Answer> whole(Call<Request, Answer, ChatDialect.Event> call, Target target, AsyncClient client,
                              DirectCallOptions options, AttemptSpan span) {
    Request request = call.request();
    if (passesThrough(target)) {
      return passthrough.whole(request.body, request.beta, target, client, options, span, call::used)
          .onFailure(failure -> request.nativeFailure = failure);
    }
    return request.translated().compose(translation -> client.chat().completions()
        .create(Attempts.forTarget(translation.request(), target), options)
        .map(completion -> {
          span.answer(completion);
          call.used(completion.getUsage());
          return new Answer(translation.answer(completion).toBuffer());
        }));
  }

  @Override
  public Future<CancellableStream<ChatDialect.Event>> stream(Call<Request, Answer, ChatDialect.Event> call,
                                                             Target target, AsyncClient client,
                                                             DirectCallOptions options, AttemptSpan span) {
    Request request = call.request();
    if (passesThrough(target)) {
      return passthrough.stream(request.body, request.beta, target, client, options, span, call::used)
          .onFailure(failure -> request.nativeFailure = failure);
    }
    return request.translated().compose(translation -> client.chat().completions()
        .stream(Attempts.forTarget(translation.request(), target), options)
        .map(chunks -> new MappedStream<>(chunks, (chunk, out) -> {
          span.chunk(chunk);
          call.used(chunk.getUsage());
          translation.chunk(chunk, out);
        }, translation::end)));
  }

  @Override
  public Buffer encode(Call<Request, Answer, ChatDialect.Event> call, Answer answer) {
    return answer.body();
  }

  @Override
  public String eventContentType() {
    return "text/event-stream; charset=utf-8";
  }

  @Override
  public Buffer sse(Call<Request, Answer, ChatDialect.Event> call, ChatDialect.Event event) {
    return event.sse();
  }

  @Override
  public JsonObject chunk(Call<Request, Answer, ChatDialect.Event> call, ChatDialect.Event event) {
    return event.json();
  }

  /** A translation's last events ({@code response.failed}, {@code error}); a native stream's {@code error} event. */
  @Override
  public Buffer sseFailure(Call<Request, Answer, ChatDialect.Event> call, Throwable failure) {
    Buffer events = Buffer.buffer();
    Consumer<ChatDialect.Event> write = event -> events.appendBuffer(event.sse());
    if (call.served() != null && passesThrough(call.served())) {
      write.accept(new ChatDialect.Event("error", MessagesDialect.upstreamError(failure).body()));
    } else {
      call.request().call.fail(failure, write);
    }
    return events;
  }

  /**
   * A failure in the API's shape; in the upstream's terms when a native upstream failed before the answer, or failed
   * the stream it serves.
   */
  @Override
  public OpenAiErrors.Error error(Call<Request, Answer, ChatDialect.Event> call, Throwable failure) {
    Request request = call.request();
    boolean nativeFailure = request != null && (failure == request.nativeFailure
        || call.streamed() && call.served() != null && passesThrough(call.served()));
    return nativeFailure ? MessagesDialect.upstreamError(failure) : dialect.error(failure);
  }
}
