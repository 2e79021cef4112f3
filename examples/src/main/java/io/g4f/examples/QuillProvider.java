package io.g4f.examples;

import io.g4f.client.Usage;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.errors.AuthenticationException;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.errors.RateLimitException;
import io.g4f.client.spi.Capability;
import io.g4f.client.spi.ProviderContext;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.spi.toolkit.SseDecoder;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A provider for Quill, an (invented) OpenAI-like protocol with its own request, events and errors, written
 * from the public toolkit only ({@code io.g4f.client.spi} and {@code io.g4f.client.spi.toolkit}); the
 * "Writing a provider" section of {@code docs/providers.md} walks through it. It is listed in
 * {@code META-INF/services/io.g4f.client.spi.Provider}, so wherever this jar is on the class path
 * {@code ProviderRegistry.standard()} finds it as {@value #NAME}: in the client, in Kotlin, and in the gateway's
 * config ({@code "type": "Quill"}, or this class's name).
 *
 * <pre>
 * POST {baseUrl}/generate          X-Quill-Key: KEY (when there is one)
 * {"model":"quill-1","prompt":[{"role":"user","text":"hi"}],"stream":false,"max_tokens":64,"temperature":0.5}
 *
 * whole answer (stream false): 200 application/json
 * {"id":"g-1","model":"quill-1","created":1700000000,"text":"Hello","stop":"end","usage":{"in":3,"out":1}}
 *
 * streamed answer (stream true): 200 text/event-stream; the SSE id is the generation's id
 * id: g-1
 * event: token
 * data: {"text":"Hel"}
 *
 * event: done
 * data: {"model":"quill-1","stop":"end","usage":{"in":3,"out":1}}
 *
 * errors: any non-2xx status, or an event "fault" inside the stream, with the body
 * {"fault":{"reason":"rate_limited","message":"slow down"}}
 * </pre>
 *
 * <p>{@code stop} is {@code end} (finish reason {@code stop}) or {@code limit} ({@code length}); events of other
 * types (keep-alives) are ignored; a stream that ends before {@code done} is an incomplete answer, an error.
 */
public class QuillProvider extends AbstractProvider {

  /** The provider's name: {@value}. */
  public static final String NAME = "Quill";
  /** The base URL used when the client sets none: {@value}. */
  public static final String DEFAULT_BASE_URL = "http://127.0.0.1:8080/v1";
  /** The environment variable holding the key: {@value}. */
  public static final String API_KEY_VARIABLE = "QUILL_API_KEY";

  /** The provider, as {@link java.util.ServiceLoader} makes it. */
  public QuillProvider() {
    super(NAME, DEFAULT_BASE_URL, List.of("quill-1", "quill-1-mini"), API_KEY_VARIABLE,
        Set.of(Capability.CHAT, Capability.STREAMING));
  }

  /** Asks for the whole answer ({@code stream: false}). */
  @Override
  public Future<ChatCompletion> chat(ChatCompletionRequest request, ProviderContext context) {
    return context.send(HttpMethod.POST, url(context, "/generate"), headers(context), body(request, false),
            (status, headers, body) -> error(context, status, headers, body))
        .map(body -> completion(body, request, context.providerName()));
  }

  @Override
  public Future<ChatCompletionStream> streamChat(ChatCompletionRequest request, ProviderContext context) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(url(context, "/generate"))
        .setHeaders(headers(context).add(HttpHeaders.ACCEPT, "text/event-stream"));
    return context.stream(options, body(request, true), response -> new Events(context, request.getModel()),
        (status, headers, body) -> error(context, status, headers, body));
  }

  /** JSON headers, and the key as {@code X-Quill-Key} when there is one. */
  private static MultiMap headers(ProviderContext context) {
    MultiMap headers = jsonHeaders();
    if (context.apiKey() != null) {
      headers.add("X-Quill-Key", context.apiKey());
    }
    return headers;
  }

  /** The request in Quill's shape: each message's role and text. */
  private static Buffer body(ChatCompletionRequest request, boolean stream) {
    JsonArray prompt = new JsonArray();
    for (ChatMessage message : request.getMessages()) {
      prompt.add(new JsonObject().put("role", message.getRole()).put("text", message.getContent()));
    }
    JsonObject body = new JsonObject().put("model", request.getModel()).put("prompt", prompt).put("stream", stream);
    if (request.getMaxTokens() != null) {
      body.put("max_tokens", request.getMaxTokens());
    }
    if (request.getTemperature() != null) {
      body.put("temperature", request.getTemperature());
    }
    return body.toBuffer();
  }

  /** A whole answer of {@code provider} (the name the client knows it by) as a completion with one choice. */
  private static ChatCompletion completion(Buffer body, ChatCompletionRequest request, String provider) {
    JsonObject answer = parse(body.toString(), "answer", provider);
    ChatCompletion completion = new ChatCompletion()
        .setId(answer.getString("id"))
        .setCreated(answer.getLong("created", 0L))
        .setModel(answer.getString("model", request.getModel()))
        .setUsage(usage(answer.getJsonObject("usage")))
        .setProvider(provider);
    completion.getChoices().add(new ChatCompletion.Choice()
        .setMessage(ChatMessage.assistant(answer.getString("text", "")))
        .setFinishReason(finishReason(answer.getString("stop"))));
    return completion;
  }

  /** Quill's fault body mapped to the exception hierarchy: by status, the fault's reason kept as the code. */
  private G4fException error(ProviderContext context, int status, MultiMap headers, Buffer body) {
    JsonObject fault = fault(body);
    String reason = fault.getString("reason");
    String message = ProviderErrors.redact(context.providerName() + " answered HTTP " + status + ": "
        + fault.getString("message", reason == null ? "no reason given" : reason), context.apiKey());
    ErrorDetails details = new ErrorDetails().status(status).provider(context.providerName()).code(reason);
    Duration retryAfter = ProviderErrors.retryAfter(headers);
    return switch (status) {
      case 400, 422 -> new InvalidRequestException(message, details);
      case 401, 403 -> new AuthenticationException(message, details);
      case 404 -> "no_such_model".equals(reason)
          ? new ModelNotFoundException(message, details)
          : new ProviderException(message, details.retryAfter(retryAfter));
      case 429 -> new RateLimitException(message, details.retryAfter(retryAfter));
      default -> new ProviderException(message, details.retryAfter(retryAfter));
    };
  }

  /** The {@code fault} object of an error body; empty when the body is not one (a proxy's HTML page, say). */
  private static JsonObject fault(Buffer body) {
    try {
      JsonObject json = body == null ? null : new JsonObject(body);
      JsonObject fault = json == null ? null : json.getJsonObject("fault");
      return fault == null ? new JsonObject() : fault;
    } catch (DecodeException | ClassCastException notAFault) {
      return new JsonObject();
    }
  }

  private static JsonObject parse(String json, String what, String provider) {
    try {
      return new JsonObject(json);
    } catch (DecodeException e) {
      throw ProviderErrors.malformed(provider, what, e);
    }
  }

  private static Usage usage(JsonObject usage) {
    if (usage == null) {
      return null;
    }
    int in = usage.getInteger("in", 0);
    int out = usage.getInteger("out", 0);
    return new Usage(in, out, in + out);
  }

  private static String finishReason(String stop) {
    return stop == null ? null : switch (stop) {
      case "end" -> "stop";
      case "limit" -> "length";
      default -> stop;
    };
  }

  /** Quill's event stream: a chunk per {@code token}, the finish reason and usage at {@code done}. */
  private final class Events extends SseDecoder {

    private final ProviderContext context;
    private final String model;
    private boolean first = true;

    Events(ProviderContext context, String model) {
      super(context.providerName());
      this.context = context;
      this.model = model;
    }

    @Override
    protected boolean onEvent(SseParser.Event event, Consumer<ChatCompletionChunk> out) {
      switch (event.event()) {
        case "token" -> {
          ChatMessage delta = ChatMessage.assistant(parse(event.data(), "token", provider).getString("text", ""));
          out.accept(chunk(event, model, new ChatCompletionChunk.Choice().setDelta(first ? delta : delta.setRole(null))));
          first = false;
          return false;
        }
        case "done" -> {
          JsonObject done = parse(event.data(), "done event", provider);
          out.accept(chunk(event, done.getString("model", model), new ChatCompletionChunk.Choice()
              .setDelta(new ChatMessage()).setFinishReason(finishReason(done.getString("stop", "end"))))
              .setUsage(usage(done.getJsonObject("usage"))));
          return true;
        }
        case "fault" -> {
          JsonObject fault = parse(event.data(), "fault event", provider).getJsonObject("fault", new JsonObject());
          String reason = fault.getString("reason");
          String message = ProviderErrors.redact(provider + " failed mid-stream: "
              + fault.getString("message", reason), context.apiKey());
          throw "rate_limited".equals(reason)
              ? new RateLimitException(message, new ErrorDetails().provider(provider).code(reason))
              : new ProviderException(message, new ErrorDetails().provider(provider).code(reason));
        }
        default -> {
          return false;
        }
      }
    }

    private ChatCompletionChunk chunk(SseParser.Event event, String model, ChatCompletionChunk.Choice choice) {
      ChatCompletionChunk chunk = new ChatCompletionChunk().setId(event.id()).setModel(model).setProvider(provider);
      chunk.getChoices().add(choice);
      return chunk;
    }
  }
}
