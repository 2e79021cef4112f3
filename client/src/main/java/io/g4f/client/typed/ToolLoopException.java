package io.g4f.client.typed;

import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import java.util.List;

/**
 * A {@link ToolLoop} stopped before the model's final answer: it still asked for tools after the step limit, or it
 * asked for a call it had already made (the same tool with the same arguments), which would loop for ever. The steps
 * so far are in {@link #steps()}. Not retryable.
 */
public class ToolLoopException extends G4fException {

  private static final long serialVersionUID = 1L;

  /** Why a tool loop stopped. */
  public enum Reason {
    /** The model still asked for tools in the last step allowed. */
    STEP_LIMIT,
    /** The model asked again for a call it had made, with the same arguments. */
    REPEATED_CALL
  }

  private final Reason reason;
  private final transient List<ToolStep> steps;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param reason why the loop stopped
   * @param steps the steps run, the one that stopped it last
   */
  public ToolLoopException(String message, Reason reason, List<ToolStep> steps) {
    super(message, false, new ErrorDetails().code(reason.name().toLowerCase(java.util.Locale.ROOT)));
    this.reason = reason;
    this.steps = List.copyOf(steps);
  }

  /** Why the loop stopped. */
  public Reason reason() {
    return reason;
  }

  /** The steps run, in order; the last one is the answer that stopped the loop (its tools not run). */
  public List<ToolStep> steps() {
    return steps;
  }
}
