package io.g4f.client;

import org.jspecify.annotations.Nullable;

/** Token counts of one completion; detail objects round-trip through {@link #getExtra()}. */
public final class Usage extends Extensible<Usage> {

  private @Nullable Integer promptTokens;
  private @Nullable Integer completionTokens;
  private @Nullable Integer totalTokens;

  /** Creates empty usage. */
  public Usage() {
  }

  /** Creates usage with the three counts. */
  public Usage(@Nullable Integer promptTokens, @Nullable Integer completionTokens, @Nullable Integer totalTokens) {
    this.promptTokens = promptTokens;
    this.completionTokens = completionTokens;
    this.totalTokens = totalTokens;
  }

  /** Tokens in the prompt. */
  public @Nullable Integer getPromptTokens() {
    return promptTokens;
  }

  /** Sets the prompt tokens. */
  public Usage setPromptTokens(@Nullable Integer promptTokens) {
    this.promptTokens = promptTokens;
    return this;
  }

  /** Tokens in the completion. */
  public @Nullable Integer getCompletionTokens() {
    return completionTokens;
  }

  /** Sets the completion tokens. */
  public Usage setCompletionTokens(@Nullable Integer completionTokens) {
    this.completionTokens = completionTokens;
    return this;
  }

  /** Prompt plus completion tokens. */
  public @Nullable Integer getTotalTokens() {
    return totalTokens;
  }

  /** Sets the total tokens. */
  public Usage setTotalTokens(@Nullable Integer totalTokens) {
    this.totalTokens = totalTokens;
    return this;
  }
}
