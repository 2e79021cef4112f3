/**
 * The exceptions of every call: one unchecked root, {@link io.g4f.client.errors.G4fException}, with a subclass per
 * HTTP-ish status, and {@link io.g4f.client.errors.ErrorDetails}, what an exception tells besides its message.
 * Depends on nothing else of the library. Types are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client.errors;

import org.jspecify.annotations.NullMarked;
