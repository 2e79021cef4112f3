/**
 * The provider SPI: implement {@link io.g4f.client.spi.Provider} for a custom provider and register
 * it in a {@link io.g4f.client.spi.ProviderRegistry}. Types are non-null unless marked
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client.spi;

import org.jspecify.annotations.NullMarked;
