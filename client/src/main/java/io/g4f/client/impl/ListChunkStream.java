package io.g4f.client.impl;

import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionStream;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;

/** A {@link ChatCompletionStream} of chunks already at hand, delivered on demand on one context. */
public final class ListChunkStream implements ChatCompletionStream {

  private final Context context;
  private final ArrayDeque<ChatCompletionChunk> pending;
  private final Termination termination = new Termination();
  private Handler<ChatCompletionChunk> handler;
  private long demand = Long.MAX_VALUE;
  private boolean draining;

  /** The chunks, delivered on the current context (or a new one). */
  public ListChunkStream(Vertx vertx, List<ChatCompletionChunk> chunks) {
    this.context = vertx.getOrCreateContext();
    this.pending = new ArrayDeque<>(chunks);
  }

  private void drain() {
    if (draining || termination.done()) {
      return;
    }
    draining = true;
    try {
      while (demand > 0 && handler != null && !pending.isEmpty()) {
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        handler.handle(pending.poll());
      }
      if (pending.isEmpty() && handler != null) {
        termination.end();
      }
    } finally {
      draining = false;
    }
  }

  @Override
  public ListChunkStream handler(Handler<ChatCompletionChunk> handler) {
    Streams.onContext(context, () -> {
      this.handler = handler;
      drain();
    });
    return this;
  }

  @Override
  public ListChunkStream endHandler(Handler<Void> endHandler) {
    Streams.onContext(context, () -> termination.endHandler(endHandler));
    return this;
  }

  @Override
  public ListChunkStream exceptionHandler(Handler<Throwable> handler) {
    Streams.onContext(context, () -> termination.exceptionHandler(handler));
    return this;
  }

  @Override
  public ListChunkStream pause() {
    Streams.onContext(context, () -> demand = 0);
    return this;
  }

  @Override
  public ListChunkStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ListChunkStream fetch(long amount) {
    if (amount < 0) {
      throw new IllegalArgumentException("amount must be >= 0");
    }
    Streams.onContext(context, () -> {
      demand = Streams.addDemand(demand, amount);
      drain();
    });
    return this;
  }

  @Override
  public void cancel() {
    Streams.onContext(context, () -> {
      pending.clear();
      termination.fail(new CancellationException("The stream was cancelled"));
    });
  }
}
