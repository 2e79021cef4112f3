package io.g4f.client.impl;

import io.g4f.client.chat.ChatCompletionChunk;
import io.g4f.client.chat.ChatCompletionStream;
import io.vertx.core.Vertx;
import java.util.List;

/** A {@link io.g4f.client.chat.ChatCompletionStream} of chunks already at hand, delivered on demand on one context. */
public final class ListChunkStream extends QueuedStream<ChatCompletionChunk, ChatCompletionStream>
    implements ChatCompletionStream {

  /** The chunks, delivered on the current context (or a new one). */
  public ListChunkStream(Vertx vertx, List<ChatCompletionChunk> chunks) {
    super(vertx.getOrCreateContext());
    pending.addAll(chunks);
    complete(null);
  }

  @Override
  String cancelledMessage() {
    return "The stream was cancelled";
  }
}
