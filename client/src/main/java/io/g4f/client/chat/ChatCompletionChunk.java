package io.g4f.client.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.g4f.client.Extensible;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One streamed piece of an answer ({@code "object":"chat.completion.chunk"}). With
 * {@code stream_options.include_usage}, the last chunk has no choices and carries {@link #getUsage()}.
 */
public final class ChatCompletionChunk extends CompletionHeader<ChatCompletionChunk> {

  private String object = "chat.completion.chunk";
  private List<Choice> choices = new ArrayList<>();

  /** Always {@code chat.completion.chunk}. */
  public String getObject() {
    return object;
  }

  /** The choice deltas in this chunk; a live, mutable list, possibly empty. */
  public List<Choice> getChoices() {
    return choices;
  }

  /** Sets the choices. */
  public ChatCompletionChunk setChoices(List<Choice> choices) {
    this.choices = choices;
    return this;
  }

  /** The new text of the first choice: its delta's content, or {@code ""} when the chunk has none. */
  public String text() {
    if (choices.isEmpty() || choices.get(0).getDelta() == null) {
      return "";
    }
    String content = choices.get(0).getDelta().getContent();
    return content == null ? "" : content;
  }

  /** One choice's delta: new content, tool-call fragments, and the finish reason on the last one. */
  public static final class Choice extends Extensible<Choice> {

    private int index;
    private ChatMessage delta = new ChatMessage();
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

    /** What this chunk adds: role (first chunk), content, tool-call fragments. Never null. */
    public ChatMessage getDelta() {
      return delta;
    }

    /** Sets the delta. */
    public Choice setDelta(@Nullable ChatMessage delta) {
      this.delta = delta == null ? new ChatMessage() : delta;
      return this;
    }

    /** Why generation stopped, on the last chunk of the choice; null before. */
    public @Nullable String getFinishReason() {
      return finishReason;
    }

    /** Sets the finish reason. */
    public Choice setFinishReason(@Nullable String finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    /** Log probabilities of this delta, as sent by the provider, or null. */
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
