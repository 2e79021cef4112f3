package io.g4f.client.messages;

import java.util.Objects;

/**
 * One server-sent event of a streamed Messages API answer, as the provider sent it
 * ({@link io.g4f.client.AsyncClient.Messages#stream}): from {@code message_start} to {@code message_stop}.
 *
 * @param event the event type ({@code message_start}, {@code content_block_delta}, {@code ping}...; {@code message}
 *     when the provider named none)
 * @param data the event's data, the lines joined with {@code "\n"}: a JSON object for Anthropic's events
 */
public record MessageStreamEvent(String event, String data) {

  /** @throws NullPointerException when {@code event} or {@code data} is null */
  public MessageStreamEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(data, "data");
  }
}
