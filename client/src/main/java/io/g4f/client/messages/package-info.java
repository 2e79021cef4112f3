/**
 * Anthropic's Messages API, relayed untranslated through {@link io.g4f.client.AsyncClient#messages()}: the events of a
 * streamed answer, {@link io.g4f.client.messages.MessageStreamEvent}. Types are non-null unless marked
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.g4f.client.messages;

import org.jspecify.annotations.NullMarked;
