package io.g4f.client.typed;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.g4f.client.chat.Tool;
import io.g4f.client.chat.ToolCall;
import io.g4f.client.errors.StructuredOutputException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A function tool whose arguments are a Java record, a class or a Kotlin data class: its name (the class's simple name
 * unless given), its description ({@code @JsonClassDescription} on the class unless given) and the strict JSON schema
 * of its parameters ({@link JsonSchemas}, with each property's {@code @JsonPropertyDescription}); and the parser of a
 * call's arguments. Immutable and thread-safe.
 *
 * <pre>{@code
 * @JsonClassDescription("The current weather in a city")
 * record GetWeather(@JsonPropertyDescription("the city's name") String city) {}
 *
 * TypedTool<GetWeather> weather = TypedTool.of(GetWeather.class);
 * request.addTool(weather.tool());
 * GetWeather args = weather.arguments(answer.getChoices().get(0).getMessage().getToolCalls().get(0));
 * }</pre>
 *
 * @param <A> the type of the arguments
 */
public final class TypedTool<A> {

  private final Class<A> type;
  private final ObjectMapper mapper;
  private final String name;
  private final @Nullable String description;
  private final Map<String, Object> parameters;

  private TypedTool(Class<A> type, ObjectMapper mapper, String name, @Nullable String description) {
    this.type = type;
    this.mapper = mapper;
    this.name = JsonSchemas.checkedName(name);
    this.description = description;
    this.parameters = JsonSchemas.strict(type, mapper);
  }

  /**
   * A tool named after {@code type}'s simple name, described by its {@code @JsonClassDescription} (or not at all).
   *
   * @throws IllegalArgumentException when {@code type} is not an object type
   */
  public static <A> TypedTool<A> of(Class<A> type) {
    JsonClassDescription description = type.getAnnotation(JsonClassDescription.class);
    return of(type.getSimpleName(), description == null ? null : description.value(), type);
  }

  /**
   * A tool of this name and description, its arguments a {@code type}, read with {@link JsonSchemas#defaultMapper()}.
   *
   * @throws IllegalArgumentException when {@code type} is not an object type or {@code name} is not a valid name
   */
  public static <A> TypedTool<A> of(String name, @Nullable String description, Class<A> type) {
    return of(name, description, type, JsonSchemas.defaultMapper());
  }

  /**
   * A tool of this name and description, its arguments a {@code type} as {@code mapper} reads them.
   *
   * @throws IllegalArgumentException when {@code type} is not an object type or {@code name} is not a valid name
   */
  public static <A> TypedTool<A> of(String name, @Nullable String description, Class<A> type, ObjectMapper mapper) {
    return new TypedTool<>(type, mapper, name, description);
  }

  /** The function's name. */
  public String name() {
    return name;
  }

  /** The type of the arguments. */
  public Class<A> type() {
    return type;
  }

  /** The tool to add to a request: a {@code strict} function with this name, description and parameters. */
  public Tool tool() {
    return new Tool().setFunction(new Tool.Function().setName(name).setDescription(description).setStrict(true)
        .setParameters(mapper.convertValue(parameters,
            mapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class))));
  }

  /** Whether {@code call} calls this tool (by its function's name). */
  public boolean matches(ToolCall call) {
    return call.getFunction() != null && name.equals(call.getFunction().getName());
  }

  /**
   * The call's arguments as an {@code A}.
   *
   * @throws IllegalArgumentException when {@code call} calls another tool
   * @throws StructuredOutputException when its arguments are not JSON of an {@code A}; {@code raw()} has them
   */
  public A arguments(ToolCall call) {
    if (!matches(call)) {
      throw new IllegalArgumentException("The call " + call.getId() + " is not to " + name + " but to "
          + (call.getFunction() == null ? null : call.getFunction().getName()));
    }
    String arguments = call.getFunction().getArguments();
    try {
      return mapper.readValue(arguments == null || arguments.isBlank() ? "{}" : arguments, type);
    } catch (JsonProcessingException e) {
      throw new StructuredOutputException("The arguments of the call " + call.getId() + " are not " + name + ": "
          + e.getOriginalMessage(), null, arguments, false, e);
    }
  }
}
