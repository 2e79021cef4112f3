package io.g4f.server.api.translated;

import io.g4f.client.AsyncClient;
import io.g4f.client.CancellableStream;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.messages.MessageStreamEvent;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.server.observability.AttemptSpan;
import io.g4f.server.routing.Listings;
import io.g4f.server.routing.Target;
import io.g4f.server.wire.MappedStream;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * {@code /v1/messages} (and {@code PREFIX.messages}) to a target whose provider speaks Anthropic's Messages API
 * natively ({@link Capability#MESSAGES}), untranslated, so that no field is lost ({@code cache_control},
 * {@code thinking} and its blocks, {@code top_k}, {@code metadata}, documents, server tools...): the caller's body
 * goes as it is, with {@code model} the target's and g4f's {@code provider} field left out, through the target's
 * client ({@link AsyncClient#messages()}: the provider's URL, key, version and proxy) with the caller's
 * {@code anthropic-beta} header; the answer comes back as sent, whole or event by event. The usage is read from the
 * message, or from {@code message_start} and {@code message_delta}; errors keep the upstream's status and type
 * ({@link MessagesDialect#upstreamError}). Used by {@link DialectApi}.
 */
public final class MessagesPassthrough {

  /** The request header that goes along to the upstream. */
  public static final String ANTHROPIC_BETA = "anthropic-beta";

  private final Listings listings;

  public MessagesPassthrough(Listings listings) {
    this.listings = listings;
  }

  /** Whether calls to {@code target} pass through. */
  boolean serves(Target target) {
    return listings.can(target, Capability.MESSAGES);
  }

  /**
   * The chat request that routes {@code body} (its {@code model} and g4f's {@code provider} field), for a body that
   * cannot be translated to chat.
   */
  public static ChatCompletionRequest routing(JsonObject body) {
    ChatCompletionRequest request = new ChatCompletionRequest()
        .setModel(JsonFields.ANTHROPIC.string(body, "", "model", false));
    Object provider = body.getValue("provider");
    if (provider != null) {
      request.getExtra().put("provider", provider instanceof JsonArray list ? list.getList() : provider);
    }
    return request;
  }

  /** The whole answer of {@code target} to {@code body}, as it sent it; {@code usage} sees the usage read. */
  public Future<DialectApi.Answer> whole(JsonObject body, String beta, Target target, AsyncClient client,
                                  DirectCallOptions options, AttemptSpan span, Consumer<Usage> usage) {
    return client.messages().create(forTarget(body, target), withBeta(options, beta)).map(raw -> {
      JsonObject message;
      try {
        message = raw.toJsonObject();
      } catch (DecodeException e) {
        throw ProviderErrors.malformed(target.provider(), "message", e);
      }
      Usage read = MessagesDialect.usage(message.getValue("usage") instanceof JsonObject counts ? counts : null, null);
      span.answer(message.getValue("model") instanceof String model ? model : null, read,
          message.getValue("stop_reason") instanceof String reason ? reason : null);
      usage.accept(read);
      return new DialectApi.Answer(raw);
    });
  }

  /** The events of {@code target}'s answer to {@code body}, as it sent them; {@code usage} sees each usage read. */
  public Future<CancellableStream<ChatDialect.Event>> stream(JsonObject body, String beta, Target target, AsyncClient client,
                                                      DirectCallOptions options, AttemptSpan span,
                                                      Consumer<Usage> usage) {
    Usage[] read = new Usage[1];
    return client.messages().stream(forTarget(body, target), withBeta(options, beta))
        .<CancellableStream<ChatDialect.Event>>map(events -> new MappedStream<>(events, (event, out) -> {
          if (event.event().equals("message_start") || event.event().equals("message_delta")) {
            read[0] = counted(event, read[0], span);
            usage.accept(read[0]);
          }
          out.accept(new ChatDialect.Event(event.event(), event.data()));
        }, out -> { }));
  }

  /**
   * The usage a {@code message_start} ({@code message.usage}) or {@code message_delta} ({@code usage}) reports over
   * {@code before}, recorded in {@code span} with the model and stop reason; {@code before} when the event is no
   * JSON object (it is relayed all the same).
   */
  private static Usage counted(MessageStreamEvent event, Usage before, AttemptSpan span) {
    JsonObject data;
    try {
      data = new JsonObject(event.data());
    } catch (DecodeException e) {
      return before;
    }
    JsonObject holder = data.getValue("message") instanceof JsonObject message ? message : data;
    JsonObject delta = data.getValue("delta") instanceof JsonObject fields ? fields : new JsonObject();
    Usage usage = MessagesDialect.usage(holder.getValue("usage") instanceof JsonObject counts ? counts : null, before);
    span.answer(holder.getValue("model") instanceof String model ? model : null, usage,
        delta.getValue("stop_reason") instanceof String reason ? reason : null);
    return usage;
  }

  /** {@code body} as {@code target} is sent it: with the target's model, without g4f's {@code provider} field. */
  private static JsonObject forTarget(JsonObject body, Target target) {
    JsonObject sent = body.copy();
    sent.remove("provider");
    if (target.model() != null) {
      sent.put("model", target.model());
    }
    return sent;
  }

  private static DirectCallOptions withBeta(DirectCallOptions options, String beta) {
    return beta == null ? options : options.putHeader(ANTHROPIC_BETA, beta);
  }
}
