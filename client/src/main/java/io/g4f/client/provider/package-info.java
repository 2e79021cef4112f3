/**
 * The built-in providers, one class per wire protocol, and {@link io.g4f.client.provider.Providers}
 * naming them and their presets. Types are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client.provider;

import org.jspecify.annotations.NullMarked;
