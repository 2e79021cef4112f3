package io.g4f.server.observability;

import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.CompletionHeader;
import io.g4f.client.errors.G4fException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * The client span of one upstream attempt of a chat or embeddings request (a fallback shows as two), a child of the
 * span that is current when it starts (the HTTP server's or the event bus's), named {@code OPERATION MODEL}
 * ({@code chat gpt-4o}, {@code embeddings text-embedding-3-small}), with the GenAI
 * semantic-convention attributes: {@code gen_ai.operation.name}, {@code gen_ai.provider.name} (the configured
 * provider), {@code gen_ai.request.model}, {@code gen_ai.response.model}, {@code gen_ai.usage.input_tokens},
 * {@code gen_ai.usage.output_tokens}, {@code gen_ai.response.finish_reasons}, and {@code error.type} on failure.
 * Never prompts, answers or keys. Used on one event loop.
 */
public final class AttemptSpan {

  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
  private static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
  private static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  private static final AttributeKey<List<String>> FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  private final Span span;
  private final List<String> finishReasons = new ArrayList<>();
  private boolean ended;

  private AttemptSpan(Span span) {
    this.span = span;
  }

  /**
   * Starts the span of an attempt at {@code target} of {@code operation} ({@code chat}, {@code embeddings}) for a
   * request that asked for {@code model} (null: the default).
   */
  public static AttemptSpan start(Tracer tracer, String operation, MeasuredTarget target, String model) {
    String requested = target.model() != null ? target.model() : model;
    var builder = tracer.spanBuilder(requested == null ? operation : operation + " " + requested)
        .setSpanKind(SpanKind.CLIENT).setAttribute(OPERATION, operation).setAttribute(PROVIDER, target.provider());
    if (requested != null) {
      builder.setAttribute(REQUEST_MODEL, requested);
    }
    return new AttemptSpan(builder.startSpan());
  }

  /**
   * Makes the span current (in the Vert.x context, with Vert.x's OpenTelemetry context storage) until the scope
   * closes, so that spans started meanwhile are its children.
   */
  public Scope makeCurrent() {
    return span.makeCurrent();
  }

  /** Records a whole answer's model, usage and finish reasons. */
  public AttemptSpan answer(ChatCompletion completion) {
    header(completion);
    completion.getChoices().forEach(choice -> finishReason(choice.getFinishReason()));
    return this;
  }

  /** Records what a stream's chunk says of the model, usage and finish reasons. */
  public void chunk(ChatCompletionChunk chunk) {
    header(chunk);
    chunk.getChoices().forEach(choice -> finishReason(choice.getFinishReason()));
  }

  /** Records what an answer in another API's terms (a Messages answer relayed as it is) says; each may be null. */
  public void answer(String model, Usage usage, String finishReason) {
    header(model, usage);
    finishReason(finishReason);
  }

  /** Marks the attempt failed with {@code failure}'s type (its error code, else its class) and ends the span. */
  public void fail(Throwable failure) {
    String type = failure instanceof G4fException g4f && g4f.code() != null ? g4f.code()
        : failure.getClass().getSimpleName();
    span.setAttribute(ERROR_TYPE, type).setStatus(StatusCode.ERROR, type);
    end();
  }

  /** Ends the span (once). */
  public void end() {
    if (!ended) {
      ended = true;
      if (!finishReasons.isEmpty()) {
        span.setAttribute(FINISH_REASONS, List.copyOf(finishReasons));
      }
      span.end();
    }
  }

  private void header(CompletionHeader<?> header) {
    header(header.getModel(), header.getUsage());
  }

  private void header(String model, Usage usage) {
    if (model != null) {
      span.setAttribute(RESPONSE_MODEL, model);
    }
    if (usage != null && usage.getPromptTokens() != null) {
      span.setAttribute(INPUT_TOKENS, usage.getPromptTokens().longValue());
    }
    if (usage != null && usage.getCompletionTokens() != null) {
      span.setAttribute(OUTPUT_TOKENS, usage.getCompletionTokens().longValue());
    }
  }

  private void finishReason(String reason) {
    if (reason != null && !finishReasons.contains(reason)) {
      finishReasons.add(reason);
    }
  }
}
