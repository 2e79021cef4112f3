package io.g4f.client.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.g4f.client.Extensible;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A complete chat answer ({@code "object":"chat.completion"}), plus the {@code provider} that gave it. */
public final class ChatCompletion extends CompletionHeader<ChatCompletion> {

  private String object = "chat.completion";
  private List<Choice> choices = new ArrayList<>();

  /** Always {@code chat.completion}. */
  public String getObject() {
    return object;
  }

  /** The choices, by index; a live, mutable list. */
  public List<Choice> getChoices() {
    return choices;
  }

  /** Sets the choices. */
  public ChatCompletion setChoices(List<Choice> choices) {
    this.choices = choices;
    return this;
  }

  /** The answer's text: the first choice's message content, or {@code ""} when there is none. */
  public String text() {
    if (choices.isEmpty() || choices.get(0).getMessage() == null) {
      return "";
    }
    String content = choices.get(0).getMessage().getContent();
    return content == null ? "" : content;
  }

  /** One choice of a completion: its message and why generation stopped. */
  public static final class Choice extends Extensible<Choice> {

    private int index;
    private @Nullable ChatMessage message;
    @JsonInclude(JsonInclude.Include.ALWAYS)
    private @Nullable String finishReason;
    private @Nullable Object logprobs;

    /** The choice index. */
    public int getIndex() {
      return index;
    }

    /** Sets the index. */
    public Choice setIndex(int index) {
      this.index = index;
      return this;
    }

    /** The assistant message. */
    public @Nullable ChatMessage getMessage() {
      return message;
    }

    /** Sets the message. */
    public Choice setMessage(@Nullable ChatMessage message) {
      this.message = message;
      return this;
    }

    /** {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}, or a provider's own. */
    public @Nullable String getFinishReason() {
      return finishReason;
    }

    /** Sets the finish reason. */
    public Choice setFinishReason(@Nullable String finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    /** Log probabilities as sent by the provider (a Map), or null. */
    public @Nullable Object getLogprobs() {
      return logprobs;
    }

    /** Sets the log probabilities. */
    public Choice setLogprobs(@Nullable Object logprobs) {
      this.logprobs = logprobs;
      return this;
    }
  }
}
