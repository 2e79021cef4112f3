/**
 * The client API: {@link io.g4f.client.AsyncClient} (and the blocking {@link io.g4f.client.Client}),
 * their options, the OpenAI-shaped requests and responses, and the exception hierarchy. Types are
 * non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client;

import org.jspecify.annotations.NullMarked;
