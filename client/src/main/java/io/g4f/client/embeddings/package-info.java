/**
 * Embeddings: {@link io.g4f.client.embeddings.EmbeddingRequest} and its answer,
 * {@link io.g4f.client.embeddings.EmbeddingsResponse}. Types are non-null unless marked
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client.embeddings;

import org.jspecify.annotations.NullMarked;
