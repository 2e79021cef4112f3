package io.g4f.client.typed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.errors.StructuredOutputException;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A typed answer: the strict JSON schema of {@code T} (see {@link JsonSchemas}), the {@code response_format} that asks
 * for it, and the parser of the answer into a {@code T}. Providers that do not speak {@code response_format} get their
 * own equivalent from the client (Anthropic's {@code output_config.format}, Gemini's {@code responseJsonSchema}).
 *
 * <p>{@code client.chat().completions().parse(request, Person.class)} does it all in one call; this type is for the
 * rest: another mapper, a generic type, a schema name of your own, or a stream ({@code parseStream}). Immutable and
 * thread-safe: make one per type and keep it.
 *
 * @param <T> the type of the answer
 */
public final class StructuredOutput<T> {

  private final JavaType type;
  private final ObjectMapper mapper;
  private final String name;
  private final Map<String, Object> schema;

  private StructuredOutput(Type type, ObjectMapper mapper, String name) {
    this.type = mapper.constructType(type);
    this.mapper = mapper;
    this.name = JsonSchemas.checkedName(name);
    this.schema = JsonSchemas.strict(type, mapper);
  }

  /**
   * The answer as a {@code type}, read with {@link JsonSchemas#defaultMapper()}, its schema named after the class.
   *
   * @throws IllegalArgumentException when {@code type} is not an object type
   */
  public static <T> StructuredOutput<T> of(Class<T> type) {
    return of(type, JsonSchemas.defaultMapper());
  }

  /**
   * The answer as a {@code type}, its schema derived and its answers read with {@code mapper} (its modules and
   * naming apply to both).
   *
   * @throws IllegalArgumentException when {@code type} is not an object type
   */
  public static <T> StructuredOutput<T> of(Class<T> type, ObjectMapper mapper) {
    return new StructuredOutput<>(type, mapper, type.getSimpleName());
  }

  /**
   * The answer as a {@code type} given by reflection (a parameterized type, or a Kotlin {@code typeOf<T>().javaType}),
   * its schema named {@code name}.
   *
   * @throws IllegalArgumentException when {@code type} is not an object type or {@code name} is not a valid name
   */
  public static <T> StructuredOutput<T> of(Type type, String name, ObjectMapper mapper) {
    return new StructuredOutput<>(type, mapper, name);
  }

  /** The schema's name, sent as {@code json_schema.name}: the class's simple name unless given. */
  public String name() {
    return name;
  }

  /** The strict JSON schema of {@code T}, as a new mutable map. */
  public Map<String, Object> schema() {
    return copy(schema);
  }

  /** {@code {"type":"json_schema","json_schema":{"name":…,"strict":true,"schema":{…}}}}, a new map each call. */
  public Map<String, @Nullable Object> responseFormat() {
    Map<String, Object> jsonSchema = new LinkedHashMap<>();
    jsonSchema.put("name", name);
    jsonSchema.put("strict", true);
    jsonSchema.put("schema", schema());
    Map<String, @Nullable Object> format = new LinkedHashMap<>();
    format.put("type", "json_schema");
    format.put("json_schema", jsonSchema);
    return format;
  }

  /** A copy of {@code request} that asks for this type ({@link #responseFormat()}); {@code request} is left as is. */
  public ChatCompletionRequest request(ChatCompletionRequest request) {
    return request.copy().setResponseFormat(responseFormat());
  }

  /**
   * The first choice's message as a {@code T}.
   *
   * @throws StructuredOutputException when the model refused, wrote nothing, or wrote what does not parse as a
   *     {@code T} (an answer cut by the token limit, say); its {@code raw()} has the text
   */
  public T parse(ChatCompletion completion) {
    ChatMessage message = completion.getChoices().isEmpty() ? null : completion.getChoices().get(0).getMessage();
    if (message != null && message.getRefusal() != null) {
      throw new StructuredOutputException("The model refused to answer as " + name + ": " + message.getRefusal(),
          completion.getProvider(), message.getRefusal(), true, null);
    }
    String finish = completion.getChoices().isEmpty() ? null : completion.getChoices().get(0).getFinishReason();
    return parse(message == null ? null : message.getContent(), completion.getProvider(),
        "length".equals(finish) ? " (the answer was cut at the token limit)" : "");
  }

  /**
   * {@code json} as a {@code T}.
   *
   * @throws StructuredOutputException when it is null or does not parse; its {@code raw()} has the text
   */
  public T parse(@Nullable String json) {
    return parse(json, null, "");
  }

  private T parse(@Nullable String json, @Nullable String provider, String why) {
    if (json == null || json.isBlank()) {
      throw new StructuredOutputException("The answer has no JSON to read as " + name + why, provider, json, false,
          null);
    }
    try {
      return mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new StructuredOutputException("The answer is not " + name + why + ": " + e.getOriginalMessage(), provider,
          json, false, e);
    }
  }

  private Map<String, Object> copy(Map<String, Object> map) {
    return mapper.convertValue(map, mapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class,
        Object.class));
  }
}
