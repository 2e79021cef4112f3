package io.g4f.client.impl;

import io.vertx.core.Handler;

/**
 * The end-or-failure of a stream, delivered exactly once: to the end or exception handler set at
 * the time, or to the one set later (Vert.x's own {@code collect} and {@code pipeTo} set the chunk
 * handler first, so a short stream may finish before its end handler is set). Used on one context.
 */
final class Termination {

  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private boolean done;
  private Throwable failure;
  private boolean delivered;

  void endHandler(Handler<Void> handler) {
    endHandler = handler;
    deliver();
  }

  void exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    deliver();
  }

  /** Whether the stream ended or failed (delivered or not). */
  boolean done() {
    return done;
  }

  /** Ends the stream; false if it had already ended or failed. */
  boolean end() {
    return finish(null);
  }

  /** Fails the stream; false if it had already ended or failed. */
  boolean fail(Throwable error) {
    return finish(error);
  }

  private boolean finish(Throwable error) {
    if (done) {
      return false;
    }
    done = true;
    failure = error;
    deliver();
    return true;
  }

  private void deliver() {
    if (!done || delivered) {
      return;
    }
    if (failure == null && endHandler != null) {
      delivered = true;
      endHandler.handle(null);
    } else if (failure != null && exceptionHandler != null) {
      delivered = true;
      exceptionHandler.handle(failure);
    }
  }
}
