package io.g4f.client.typed;

import io.g4f.client.chat.ChatCompletion;
import java.util.List;

/**
 * One step of a {@link ToolLoop}: the model's answer and, when it asked for tools, what each call gave back (in the
 * order of the calls). The last step of a loop that ends well is the final answer, with no results.
 *
 * @param number the step's number, from 1: the how-manieth answer of the model this is
 * @param answer the model's answer
 * @param results what each tool call of the answer gave back, in order; empty for a final answer
 */
public record ToolStep(int number, ChatCompletion answer, List<ToolResult> results) {

  /** Whether this is the model's final answer (it asked for no tool). */
  public boolean isFinal() {
    return results.isEmpty();
  }
}
