package io.g4f.client.chat;

import io.g4f.client.Extensible;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A tool the model may call: {@code {"type":"function","function":{name, description, parameters, strict}}}. */
public final class Tool extends Extensible<Tool> {

  private String type = "function";
  private @Nullable Function function;

  /** A function tool. {@code parameters} is a JSON Schema object, as a map. */
  public static Tool function(String name, @Nullable String description,
      @Nullable Map<String, @Nullable Object> parameters) {
    return new Tool().setFunction(new Function().setName(name).setDescription(description)
        .setParameters(parameters));
  }

  /** The tool type, {@code function}. */
  public String getType() {
    return type;
  }

  /** Sets the tool type. */
  public Tool setType(String type) {
    this.type = type;
    return this;
  }

  /** The function definition. */
  public @Nullable Function getFunction() {
    return function;
  }

  /** Sets the function definition. */
  public Tool setFunction(@Nullable Function function) {
    this.function = function;
    return this;
  }

  /** A function definition: name, description, JSON Schema of its parameters, strict mode. */
  public static final class Function extends Extensible<Function> {

    private @Nullable String name;
    private @Nullable String description;
    private @Nullable Map<String, @Nullable Object> parameters;
    private @Nullable Boolean strict;

    /** The function name. */
    public @Nullable String getName() {
      return name;
    }

    /** Sets the function name. */
    public Function setName(@Nullable String name) {
      this.name = name;
      return this;
    }

    /** What the function does, for the model. */
    public @Nullable String getDescription() {
      return description;
    }

    /** Sets the description. */
    public Function setDescription(@Nullable String description) {
      this.description = description;
      return this;
    }

    /** The JSON Schema of the arguments. */
    public @Nullable Map<String, @Nullable Object> getParameters() {
      return parameters;
    }

    /** Sets the JSON Schema of the arguments. */
    public Function setParameters(@Nullable Map<String, @Nullable Object> parameters) {
      this.parameters = parameters;
      return this;
    }

    /** Whether the model must follow the schema exactly. */
    public @Nullable Boolean getStrict() {
      return strict;
    }

    /** Sets strict mode. */
    public Function setStrict(@Nullable Boolean strict) {
      this.strict = strict;
      return this;
    }
  }
}
