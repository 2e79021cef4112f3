package io.g4f.client.chat;

import io.g4f.client.AsyncClient;
import io.g4f.client.Extensible;
import org.jspecify.annotations.Nullable;

/**
 * A tool call made by the assistant. In a streamed delta, a call arrives in fragments that share an
 * {@link #getIndex() index}; {@link AsyncClient.ChatCompletions#collect} joins them.
 */
public final class ToolCall extends Extensible<ToolCall> {

  private @Nullable Integer index;
  private @Nullable String id;
  private @Nullable String type;
  private @Nullable FunctionCall function;

  /** The position of this call among the message's calls (streamed deltas only), or null. */
  public @Nullable Integer getIndex() {
    return index;
  }

  /** Sets the index. */
  public ToolCall setIndex(@Nullable Integer index) {
    this.index = index;
    return this;
  }

  /** The call id, echoed back by the {@code tool} message that answers it. */
  public @Nullable String getId() {
    return id;
  }

  /** Sets the call id. */
  public ToolCall setId(@Nullable String id) {
    this.id = id;
    return this;
  }

  /** The call type, {@code function}. */
  public @Nullable String getType() {
    return type;
  }

  /** Sets the call type. */
  public ToolCall setType(@Nullable String type) {
    this.type = type;
    return this;
  }

  /** The function called and its JSON-encoded arguments. */
  public @Nullable FunctionCall getFunction() {
    return function;
  }

  /** Sets the function. */
  public ToolCall setFunction(@Nullable FunctionCall function) {
    this.function = function;
    return this;
  }

  /** The function of a tool call: its name and its arguments as a JSON string. */
  public static final class FunctionCall extends Extensible<FunctionCall> {

    private @Nullable String name;
    private @Nullable String arguments;

    /** The function name. */
    public @Nullable String getName() {
      return name;
    }

    /** Sets the function name. */
    public FunctionCall setName(@Nullable String name) {
      this.name = name;
      return this;
    }

    /** The arguments, a JSON document as a string (possibly a fragment, in a streamed delta). */
    public @Nullable String getArguments() {
      return arguments;
    }

    /** Sets the arguments. */
    public FunctionCall setArguments(@Nullable String arguments) {
      this.arguments = arguments;
      return this;
    }
  }
}
