/**
 * Typed answers and tools: {@link io.g4f.client.typed.StructuredOutput} (a record, class or Kotlin data class as the
 * answer, its strict JSON schema from {@link io.g4f.client.typed.JsonSchemas}), {@link io.g4f.client.typed.TypedTool}
 * (a type as a function tool, and its calls' arguments parsed into it) and {@link io.g4f.client.typed.ToolLoop} (tools
 * with their functions, run for the model until it answers, each {@link io.g4f.client.typed.ToolStep} observable).
 * The chat clients' {@code parse}, {@code parseStream} and {@code runTools} use them. Types are non-null unless marked
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client.typed;

import org.jspecify.annotations.NullMarked;
