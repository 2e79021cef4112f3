/**
 * Image generation: {@link io.g4f.client.images.ImageGenerationRequest} and its answer,
 * {@link io.g4f.client.images.ImagesResponse}. Types are non-null unless marked
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client.images;

import org.jspecify.annotations.NullMarked;
