package io.g4f.client;

/** Token counts of one completion; detail objects round-trip through {@link #getExtra()}. */
public final class Usage extends Extensible<Usage> {

  private Integer promptTokens;
  private Integer completionTokens;
  private Integer totalTokens;

  /** Creates empty usage. */
  public Usage() {
  }

  /** Creates usage with the three counts. */
  public Usage(Integer promptTokens, Integer completionTokens, Integer totalTokens) {
    this.promptTokens = promptTokens;
    this.completionTokens = completionTokens;
    this.totalTokens = totalTokens;
  }

  /** Tokens in the prompt. */
  public Integer getPromptTokens() {
    return promptTokens;
  }

  /** Sets the prompt tokens. */
  public Usage setPromptTokens(Integer promptTokens) {
    this.promptTokens = promptTokens;
    return this;
  }

  /** Tokens in the completion. */
  public Integer getCompletionTokens() {
    return completionTokens;
  }

  /** Sets the completion tokens. */
  public Usage setCompletionTokens(Integer completionTokens) {
    this.completionTokens = completionTokens;
    return this;
  }

  /** Prompt plus completion tokens. */
  public Integer getTotalTokens() {
    return totalTokens;
  }

  /** Sets the total tokens. */
  public Usage setTotalTokens(Integer totalTokens) {
    this.totalTokens = totalTokens;
    return this;
  }
}
