/**
 * The clients: {@link io.g4f.client.AsyncClient} (and the blocking {@link io.g4f.client.Client}, the event-bus
 * {@link io.g4f.client.EventBusAsyncClient}), their options and per-call options, and what every API shares
 * ({@link io.g4f.client.Usage}, {@link io.g4f.client.Model}, the data types' base {@link io.g4f.client.Extensible}).
 * Each API's requests and answers are in its own package ({@code chat}, {@code images}, {@code embeddings},
 * {@code messages}); the exceptions are in {@code errors}. Types are non-null unless marked
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client;

import org.jspecify.annotations.NullMarked;
