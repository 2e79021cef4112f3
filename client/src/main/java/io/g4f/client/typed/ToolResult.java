package io.g4f.client.typed;

import io.g4f.client.chat.ToolCall;
import org.jspecify.annotations.Nullable;

/**
 * What one tool call gave back, as the {@link ToolLoop} sent it to the model.
 *
 * @param call the model's call
 * @param value what the tool's function returned, or null when it failed (or returned null)
 * @param content the {@code tool} message's content sent to the model: the value itself when a string, else its JSON;
 *     on a failure {@code {"error": "<message>"}}
 * @param failure why the call failed (no such tool, arguments that do not parse, the function's failure), or null
 */
public record ToolResult(ToolCall call, @Nullable Object value, String content, @Nullable Throwable failure) {
}
