package io.g4f.client.spi.toolkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.Tool;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.errors.InvalidRequestException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Reading the OpenAI shapes of a request and writing those of an answer, for providers that translate to and
 * from another protocol. Methods that check the request throw {@link InvalidRequestException} naming the
 * provider and the parameter, before anything is sent.
 */
public final class OpenAiShapes {

  /**
   * A {@code tool_choice}, read.
   *
   * @param mode what the model may do
   * @param function the function it must call when {@code mode} is {@link ToolMode#FUNCTION}, else null
   */
  public record ToolChoice(ToolMode mode, @Nullable String function) {
  }

  /** What a {@code tool_choice} lets the model do. */
  public enum ToolMode {
    /** {@code "auto"}: call tools or not. */
    AUTO,
    /** {@code "required"}: call at least one tool. */
    REQUIRED,
    /** {@code "none"}: call no tool. */
    NONE,
    /** {@code {"type":"function","function":{"name":...}}}: call that function. */
    FUNCTION
  }

  /**
   * An image size.
   *
   * @param width in pixels, positive
   * @param height in pixels, positive
   */
  public record Size(int width, int height) {
  }

  private OpenAiShapes() {
  }

  /** The token limit asked for: {@code max_completion_tokens}, else {@code max_tokens}, else null. */
  public static @Nullable Integer maxTokens(ChatCompletionRequest request) {
    return request.getMaxCompletionTokens() != null ? request.getMaxCompletionTokens() : request.getMaxTokens();
  }

  /** Sets {@code field} of {@code node} to {@code value} as JSON, unless {@code value} is null. */
  public static void putIfSet(ObjectNode node, String field, @Nullable Object value) {
    if (value != null) {
      node.set(field, Json.MAPPER.valueToTree(value));
    }
  }

  /** Whether {@code message} instructs the model ({@code system} or {@code developer} role) rather than talks. */
  public static boolean isInstruction(ChatMessage message) {
    return ChatMessage.SYSTEM.equals(message.getRole()) || "developer".equals(message.getRole());
  }

  /**
   * A tool call's {@code arguments} (JSON text) as the JSON object they are; blank arguments are {@code {}}.
   *
   * @throws InvalidRequestException (param {@code messages}) when they are not a JSON object
   */
  public static ObjectNode toolArguments(@Nullable String arguments, String provider) {
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
    } catch (IOException notJson) {
      json = null;
    }
    if (json instanceof ObjectNode object) {
      return object;
    }
    throw InvalidRequestException.forParam(provider + " needs tool call arguments that are a JSON object", provider,
        "messages");
  }

  /**
   * The functions of {@code tools}, in order.
   *
   * @throws InvalidRequestException (param {@code tools}) when a tool is not a function tool
   */
  public static List<Tool.Function> functions(List<Tool> tools, String provider) {
    List<Tool.Function> functions = new ArrayList<>(tools.size());
    for (Tool tool : tools) {
      if (tool.getFunction() == null || tool.getType() != null && !tool.getType().equals("function")) {
        throw InvalidRequestException.forParam(provider + " takes function tools only, not '" + tool.getType() + "'",
            provider, "tools");
      }
      functions.add(tool.getFunction());
    }
    return functions;
  }

  /**
   * A {@code tool_choice} value, read; null when it is null.
   *
   * @throws InvalidRequestException (param {@code tool_choice}) for anything but {@code "auto"}, {@code "required"},
   *     {@code "none"} or a named function
   */
  public static @Nullable ToolChoice toolChoice(@Nullable Object choice, String provider) {
    if (choice == null) {
      return null;
    }
    if (choice instanceof Map<?, ?> named && named.get("function") instanceof Map<?, ?> function
        && function.get("name") instanceof String name) {
      return new ToolChoice(ToolMode.FUNCTION, name);
    }
    ToolMode mode = "auto".equals(choice) ? ToolMode.AUTO : "required".equals(choice) ? ToolMode.REQUIRED
        : "none".equals(choice) ? ToolMode.NONE : null;
    if (mode == null) {
      throw InvalidRequestException.forParam(provider + " takes tool_choice \"auto\", \"required\", \"none\" or "
          + "{\"type\":\"function\",\"function\":{\"name\":...}}, not " + choice, provider, "tool_choice");
    }
    return new ToolChoice(mode, null);
  }

  /** The {@code type} of a {@code response_format}: {@code text} when there is none. */
  public static String responseFormatType(@Nullable Map<String, Object> responseFormat) {
    return responseFormat == null ? "text" : String.valueOf(responseFormat.get("type"));
  }

  /** The JSON schema of a {@code json_schema} {@code response_format} ({@code json_schema.schema}), else null. */
  public static @Nullable Object responseSchema(@Nullable Map<String, Object> responseFormat) {
    return responseFormat != null && responseFormat.get("json_schema") instanceof Map<?, ?> jsonSchema
        ? jsonSchema.get("schema") : null;
  }

  /**
   * An image {@code size} ({@code WIDTHxHEIGHT}, e.g. {@code 1024x1024}); null for none or {@code auto}.
   *
   * @throws InvalidRequestException (param {@code size}) for anything else
   */
  public static @Nullable Size size(@Nullable String size, String provider) {
    if (size == null || size.equals("auto")) {
      return null;
    }
    String[] sides = size.split("x");
    try {
      if (sides.length == 2 && Integer.parseInt(sides[0]) > 0 && Integer.parseInt(sides[1]) > 0) {
        return new Size(Integer.parseInt(sides[0]), Integer.parseInt(sides[1]));
      }
    } catch (NumberFormatException notASize) {
      // reported below
    }
    throw InvalidRequestException.forParam("size must be WIDTHxHEIGHT, e.g. 1024x1024", provider, "size");
  }

  /**
   * The texts of an embeddings request, for a provider that embeds text only.
   *
   * @throws InvalidRequestException naming {@code input} when it is token arrays
   */
  public static List<String> embeddingTexts(EmbeddingRequest request, String provider) {
    List<String> texts = request.getInputTexts();
    if (texts == null) {
      throw InvalidRequestException.forParam(provider + " embeds text only: input must be a string or a list of strings",
          provider, "input");
    }
    return texts;
  }

  /**
   * An embedding vector from a provider's JSON array of numbers.
   *
   * @throws io.g4f.client.errors.ProviderException (a malformed answer) when it is not a non-empty array of numbers
   */
  public static float[] embeddingVector(JsonNode values, String provider) {
    if (!values.isArray() || values.isEmpty()) {
      throw ProviderErrors.malformed(provider, "embedding", new IllegalArgumentException("it has no values"));
    }
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      if (!values.get(i).isNumber()) {
        throw ProviderErrors.malformed(provider, "embedding", new IllegalArgumentException("value " + i
            + " is not a number"));
      }
      vector[i] = values.get(i).floatValue();
    }
    return vector;
  }

  /** A new completion id, {@code chatcmpl-} and 24 random hex digits, for protocols whose answers have none. */
  public static String completionId() {
    return "chatcmpl-" + randomHex();
  }

  /** A new tool call id, {@code call_} and 24 random hex digits, for protocols whose tool calls have none. */
  public static String toolCallId() {
    return "call_" + randomHex();
  }

  private static String randomHex() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  /**
   * The whole answer a chunk carries when each of its choices' delta is a whole message (the chunk a protocol's
   * whole answer maps to): header, usage and each choice's message, finish reason and logprobs. Tool calls lose
   * their stream {@code index}, as in OpenAI's whole messages.
   */
  public static ChatCompletion completion(ChatCompletionChunk whole) {
    ChatCompletion completion = new ChatCompletion().setHeader(whole);
    for (ChatCompletionChunk.Choice choice : whole.getChoices()) {
      if (choice.getDelta() != null && choice.getDelta().getToolCalls() != null) {
        choice.getDelta().getToolCalls().forEach(call -> call.setIndex(null));
      }
      completion.getChoices().add(new ChatCompletion.Choice().setIndex(choice.getIndex()).setMessage(choice.getDelta())
          .setFinishReason(choice.getFinishReason()).setLogprobs(choice.getLogprobs()));
    }
    return completion;
  }
}
