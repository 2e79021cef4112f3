package io.g4f.server.api.chat;

import io.g4f.client.AsyncClient;
import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.spi.toolkit.Json;
import io.g4f.server.observability.AttemptSpan;
import io.g4f.server.pipeline.Call;
import io.g4f.server.pipeline.JsonApi;
import io.g4f.server.routing.Attempts;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Target;
import io.g4f.server.wire.MappedStream;
import io.g4f.server.wire.OpenAiErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Chat completions, {@code POST /v1/chat/completions}, {@code POST /api/{provider}/chat/completions} and
 * {@code PREFIX.chat.completions}: a JSON completion, or with {@code "stream": true} one event per upstream chunk as
 * it arrives ({@code data:} lines then {@code data: [DONE]} over HTTP). Every stream is asked of the upstream with
 * {@code stream_options.include_usage}, so that its usage is counted; the usage reaches the caller only when it asked
 * for it, with what the answer cost as {@code usage.cost_usd} (US dollars), since a stream's headers have gone. A
 * failure after the first byte is an error event then {@code [DONE]}: OpenAI's SDKs raise on the error event, and
 * readers that wait for {@code [DONE]} still see an end.
 */
public final class ChatApi extends JsonApi<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> {

  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  /** The chat completions API. */
  public ChatApi() {
    super("chat", ChatCompletionRequest.class, ChatCompletionRequest::getModel);
  }

  @Override
  public boolean streamed(ChatCompletionRequest request) {
    return Boolean.TRUE.equals(request.getStream());
  }

  @Override
  public ModelRouter.Route route(Call<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> call,
                                 ModelRouter router, String named) {
    return router.route(named, call.request().getModel(), call.request());
  }

  @Override
  public Future<ChatCompletion> whole(Call<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> call,
                                     Target target, AsyncClient client, DirectCallOptions options, AttemptSpan span) {
    return client.chat().completions().create(Attempts.forTarget(call.request(), target), options)
        .map(completion -> {
          span.answer(completion);
          call.used(completion.getUsage());
          return completion.setProvider(target.provider());
        });
  }

  @Override
  public Future<CancellableStream<ChatCompletionChunk>> stream(
      Call<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> call, Target target, AsyncClient client,
      DirectCallOptions options, AttemptSpan span) {
    ChatCompletionRequest request = call.request();
    if (usageAsked(request)) {
      return client.chat().completions().stream(Attempts.forTarget(request, target), options).map(chunks -> chunks);
    }
    ChatCompletionRequest counted = request.copy().setModel(target.model())
        .setStreamOptions(new ChatCompletionRequest.StreamOptions().setIncludeUsage(true));
    return client.chat().completions().stream(counted, options)
        .map(chunks -> new MappedStream<ChatCompletionChunk, ChatCompletionChunk>(chunks, (chunk, out) -> {
          if (chunk.getUsage() != null) {
            call.used(chunk.getUsage());
            span.chunk(chunk);
            if (chunk.getChoices().isEmpty()) {
              return;
            }
            chunk.setUsage(null);
          }
          out.accept(chunk);
        }, out -> { }));
  }

  /** Whether the caller asked for the usage chunk ({@code stream_options.include_usage}). */
  private static boolean usageAsked(ChatCompletionRequest request) {
    return request.getStreamOptions() != null && Boolean.TRUE.equals(request.getStreamOptions().getIncludeUsage());
  }

  @Override
  public void seen(Call<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> call, Target target,
                   AttemptSpan span, ChatCompletionChunk chunk) {
    chunk.setProvider(target.provider());
    span.chunk(chunk);
    call.used(chunk.getUsage());
    if (chunk.getUsage() != null) {
      chunk.getUsage().putExtra("cost_usd", call.cost(target));
    }
  }

  @Override
  public Buffer sse(Call<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> call, ChatCompletionChunk chunk) {
    return Buffer.buffer("data: ").appendBuffer(Json.encode(chunk)).appendString("\n\n");
  }

  @Override
  public JsonObject chunk(Call<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> call,
                          ChatCompletionChunk chunk) {
    return new JsonObject(Json.encode(chunk));
  }

  @Override
  public Buffer sseEnd(Call<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> call) {
    return DONE.copy();
  }

  @Override
  public Buffer sseFailure(Call<ChatCompletionRequest, ChatCompletion, ChatCompletionChunk> call, Throwable failure) {
    return Buffer.buffer("data: " + OpenAiErrors.of(failure).encode() + "\n\n").appendBuffer(DONE);
  }
}
