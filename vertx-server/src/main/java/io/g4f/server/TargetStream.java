package io.g4f.server;

import io.g4f.client.ChatCompletionChunk;
import io.g4f.client.ChatCompletionStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.util.function.Consumer;

/**
 * A target's stream, read up to its first chunk before anyone sees it, so that the router can still
 * move on when the target fails before that chunk ({@link #first()}), and stamped with the configured
 * provider's name on every chunk. Once {@link #first()} succeeded it is an ordinary
 * {@link ChatCompletionStream}: the held first chunk is delivered first (when a handler is set and
 * there is demand), then the upstream's chunks, end or failure, with the upstream's backpressure.
 * {@code seen} sees each chunk as it arrives; {@code done} is told once when the upstream ends (null) or fails, a
 * cancellation included (the failure). Used on the context that opened the upstream; a consumer keeps a handler set
 * while it lets chunks flow.
 */
final class TargetStream implements ChatCompletionStream {

  private final ChatCompletionStream upstream;
  private final String provider;
  private final Context context;
  private final Consumer<ChatCompletionChunk> seen;
  private final Consumer<Throwable> done;
  private final Promise<TargetStream> first = Promise.promise();
  private ChatCompletionChunk held;
  private boolean relaying;
  private long demand = Long.MAX_VALUE;
  private boolean ended;
  private Throwable failure;
  private boolean terminated;
  private boolean finished;
  private boolean scheduled;
  private Handler<ChatCompletionChunk> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  TargetStream(ChatCompletionStream upstream, String provider, Context context, Consumer<ChatCompletionChunk> seen,
               Consumer<Throwable> done) {
    this.upstream = upstream;
    this.provider = provider;
    this.context = context;
    this.seen = seen;
    this.done = done;
    upstream.pause();
    upstream.handler(this::chunk);
    upstream.endHandler(v -> ended());
    upstream.exceptionHandler(this::failed);
    upstream.fetch(1);
  }

  /**
   * Succeeds with this stream once the first chunk arrived (or the answer ended without one); fails
   * with the upstream's failure before it, or with {@link #abandon}'s reason.
   */
  Future<TargetStream> first() {
    return first.future();
  }

  /** Gives up on the stream before its first chunk: {@link #first()} fails with {@code reason}, the upstream is cancelled. */
  void abandon(Throwable reason) {
    if (first.tryFail(reason)) {
      finish(reason);
      upstream.cancel();
    }
  }

  private void chunk(ChatCompletionChunk chunk) {
    chunk.setProvider(provider);
    seen.accept(chunk);
    if (!first.future().isComplete()) {
      held = chunk;
      first.tryComplete(this);
    } else if (relaying && handler != null) {
      handler.handle(chunk);
    }
  }

  private void ended() {
    ended = true;
    finish(null);
    if (!first.tryComplete(this)) {
      drain();
    }
  }

  private void failed(Throwable cause) {
    failure = cause;
    finish(cause);
    if (!first.tryFail(cause)) {
      drain();
    }
  }

  private void finish(Throwable cause) {
    if (!finished) {
      finished = true;
      done.accept(cause);
    }
  }

  /** Delivers what waits: the held chunk (given a handler and demand), then the end or failure. */
  private void drain() {
    if (!first.future().succeeded() || terminated) {
      return;
    }
    if (held != null) {
      if (handler == null || demand == 0) {
        return;
      }
      ChatCompletionChunk chunk = held;
      held = null;
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(chunk);
      relaying = true;
      if (demand == Long.MAX_VALUE) {
        upstream.resume();
      } else if (demand > 0) {
        upstream.fetch(demand);
      }
    }
    if (!terminated && held == null && (ended || failure != null)) {
      terminated = true;
      if (failure != null && exceptionHandler != null) {
        exceptionHandler.handle(failure);
      } else if (failure == null && endHandler != null) {
        endHandler.handle(null);
      } else {
        terminated = false;
      }
    }
  }

  private void schedule() {
    if (!scheduled) {
      scheduled = true;
      context.runOnContext(v -> {
        scheduled = false;
        drain();
      });
    }
  }

  @Override
  public TargetStream handler(Handler<ChatCompletionChunk> handler) {
    this.handler = handler;
    schedule();
    return this;
  }

  @Override
  public TargetStream endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    schedule();
    return this;
  }

  @Override
  public TargetStream exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    schedule();
    return this;
  }

  @Override
  public TargetStream pause() {
    demand = 0;
    if (relaying) {
      upstream.pause();
    }
    return this;
  }

  @Override
  public TargetStream resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public TargetStream fetch(long amount) {
    if (amount <= 0) {
      return this;
    }
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    if (relaying) {
      if (amount == Long.MAX_VALUE) {
        upstream.resume();
      } else {
        upstream.fetch(amount);
      }
    } else {
      schedule();
    }
    return this;
  }

  @Override
  public void cancel() {
    upstream.cancel();
  }
}
