package io.g4f.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.images.ImageGenerationRequest;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The JSON shapes of the request bodies the gateway reads, checked before a body becomes a request
 * object, so that a wrong type or a null where a value must be is a 400 naming the field
 * ({@code messages[0].content[1].image_url}) rather than a failure deep in the mapping. Fields not
 * listed here are not checked (they travel upstream as they came); JSON null for an optional field
 * means absent, but an array element is never null.
 */
final class RequestShapes {

  /** Checks a value that is present (not absent, not null) at {@code path}; throws a 400 naming it when it does not fit. */
  @FunctionalInterface
  private interface Shape {
    void check(JsonNode value, String path);
  }

  private record Field(Shape shape, boolean required) {
  }

  private static final Shape STRING = kind(JsonNode::isTextual, "a string");
  private static final Shape NUMBER = kind(value -> value.isNumber() && Double.isFinite(value.asDouble()),
      "a finite number");
  private static final Shape INTEGER = kind(JsonNode::isIntegralNumber, "an integer");
  private static final Shape BOOLEAN = kind(JsonNode::isBoolean, "a boolean");
  private static final Shape OBJECT = kind(JsonNode::isObject, "an object");

  /** A content part: its {@code type} names the field it needs ({@code text} or {@code image_url}). */
  private static final Shape CONTENT_PART = both(object(Map.of("type", required(STRING), "text", optional(STRING),
      "image_url", optional(object(Map.of("url", required(STRING), "detail", optional(STRING)))))),
      (part, path) -> {
        String type = part.get("type").asText();
        if ((type.equals("text") || type.equals("image_url")) && (!part.hasNonNull(type))) {
          throw invalid(path + "." + type, "is required for a part of type '" + type + "'");
        }
      });
  private static final Shape TOOL_CALL = object(Map.of("id", optional(STRING), "type", optional(STRING),
      "function", optional(object(Map.of("name", optional(STRING), "arguments", optional(STRING))))));
  private static final Shape MESSAGE = object(Map.of("role", required(STRING),
      "content", optional(either(STRING, arrayOf(CONTENT_PART), "a string or an array of content parts")),
      "name", optional(STRING), "tool_calls", optional(arrayOf(TOOL_CALL)), "tool_call_id", optional(STRING)));
  private static final Shape TOOL = object(Map.of("type", optional(STRING), "function", required(object(Map.of(
      "name", required(STRING), "description", optional(STRING), "parameters", optional(OBJECT))))));

  private static final Shape CHAT = object(Map.ofEntries(
      Map.entry("model", optional(STRING)),
      Map.entry("provider", optional(either(STRING, arrayOf(STRING), "a string or an array of strings"))),
      Map.entry("messages", required(either(STRING, arrayOf(MESSAGE), "a string or an array of messages"))),
      Map.entry("temperature", optional(NUMBER)), Map.entry("top_p", optional(NUMBER)),
      Map.entry("max_tokens", optional(INTEGER)), Map.entry("max_completion_tokens", optional(INTEGER)),
      Map.entry("n", optional(INTEGER)), Map.entry("seed", optional(INTEGER)),
      Map.entry("stop", optional(either(STRING, arrayOf(STRING), "a string or an array of strings"))),
      Map.entry("user", optional(STRING)), Map.entry("tools", optional(arrayOf(TOOL))),
      Map.entry("tool_choice", optional(either(STRING, OBJECT, "a string or an object"))),
      Map.entry("response_format", optional(OBJECT)), Map.entry("stream", optional(BOOLEAN)),
      Map.entry("stream_options", optional(object(Map.of("include_usage", optional(BOOLEAN)))))));

  private static final Shape IMAGES = object(Map.of("prompt", required(STRING), "model", optional(STRING),
      "provider", optional(STRING), "n", optional(INTEGER), "size", optional(STRING), "quality", optional(STRING),
      "style", optional(STRING), "response_format", optional(STRING), "user", optional(STRING)));

  /** An embeddings input: a string, or an array of strings, of token ids, or of token-id arrays. */
  private static final Shape EMBEDDING_INPUT = either(STRING, arrayOf((element, path) -> {
    if (element.isArray()) {
      arrayOf(INTEGER).check(element, path);
    } else if (!element.isTextual() && !element.isIntegralNumber()) {
      throw invalid(path, "must be a string, a token id or an array of token ids");
    }
  }), "a string or an array of strings or of token arrays");

  private static final Shape EMBEDDINGS = object(Map.of("model", required(STRING), "input", required(EMBEDDING_INPUT),
      "provider", optional(either(STRING, arrayOf(STRING), "a string or an array of strings")),
      "dimensions", optional(INTEGER), "encoding_format", optional(STRING), "user", optional(STRING)));

  private static final Map<Class<?>, Shape> BODIES = Map.of(ChatCompletionRequest.class, CHAT,
      ImageGenerationRequest.class, IMAGES, EmbeddingRequest.class, EMBEDDINGS);

  private RequestShapes() {
  }

  /**
   * Checks {@code body}, a JSON object, against the shape of {@code type}'s body (types without one pass).
   *
   * @throws InvalidRequestException naming the first field that does not fit
   */
  static void check(JsonNode body, Class<?> type) {
    Shape shape = BODIES.get(type);
    if (shape != null) {
      shape.check(body, "");
    }
  }

  private static Field required(Shape shape) {
    return new Field(shape, true);
  }

  private static Field optional(Shape shape) {
    return new Field(shape, false);
  }

  private static Shape kind(Predicate<JsonNode> test, String description) {
    return (value, path) -> {
      if (!test.test(value)) {
        throw invalid(path, "must be " + description);
      }
    };
  }

  private static Shape either(Shape first, Shape second, String description) {
    return (value, path) -> {
      try {
        first.check(value, path);
      } catch (InvalidRequestException notFirst) {
        if (value.isArray() || value.isObject()) {
          second.check(value, path);
        } else {
          throw invalid(path, "must be " + description);
        }
      }
    };
  }

  private static Shape both(Shape first, Shape then) {
    return (value, path) -> {
      first.check(value, path);
      then.check(value, path);
    };
  }

  private static Shape arrayOf(Shape element) {
    return (value, path) -> {
      if (!value.isArray()) {
        throw invalid(path, "must be an array");
      }
      for (int i = 0; i < value.size(); i++) {
        String at = path + "[" + i + "]";
        if (value.get(i).isNull()) {
          throw invalid(at, "must not be null");
        }
        element.check(value.get(i), at);
      }
    };
  }

  private static Shape object(Map<String, Field> fields) {
    return (value, path) -> {
      if (!value.isObject()) {
        throw invalid(path, "must be an object");
      }
      fields.forEach((name, field) -> {
        JsonNode member = value.get(name);
        String at = path.isEmpty() ? name : path + "." + name;
        if (member == null || member.isNull()) {
          if (field.required()) {
            throw invalid(at, "is required");
          }
        } else {
          field.shape().check(member, at);
        }
      });
    };
  }

  private static InvalidRequestException invalid(String path, String problem) {
    return InvalidRequestException.forParam("'" + path + "' " + problem, null, path);
  }
}
