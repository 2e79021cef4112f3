/**
 * Chat Completions: {@link io.g4f.client.chat.ChatCompletionRequest} with its messages, content parts (vision input
 * included: {@link io.g4f.client.chat.ImageInput}) and tools; the whole answer,
 * {@link io.g4f.client.chat.ChatCompletion}, and the streamed {@link io.g4f.client.chat.ChatCompletionChunk}s. Types
 * are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client.chat;

import org.jspecify.annotations.NullMarked;
