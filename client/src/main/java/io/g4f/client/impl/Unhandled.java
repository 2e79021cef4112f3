package io.g4f.client.impl;

import io.vertx.core.Context;
import io.vertx.core.Handler;

/** Where a stream failure goes when the consumer set no exception handler, as Vert.x streams do. */
final class Unhandled {

  private static final System.Logger LOG = System.getLogger("io.g4f.client");

  private Unhandled() {
  }

  /** Passes {@code error} to the context's (or Vert.x's) exception handler, else logs it. */
  static void report(Context context, Throwable error) {
    Handler<Throwable> handler = context.exceptionHandler();
    if (handler == null) {
      handler = context.owner().exceptionHandler();
    }
    if (handler != null) {
      handler.handle(error);
    } else {
      LOG.log(System.Logger.Level.WARNING, "Unhandled stream failure: " + error);
    }
  }
}
