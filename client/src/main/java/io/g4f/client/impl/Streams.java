package io.g4f.client.impl;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** The two rules every stream here follows: state is touched on its context, and demand saturates. */
final class Streams {

  private Streams() {
  }

  /** Runs {@code action} now when on {@code context}, else queues it there (in call order). */
  static void onContext(Context context, Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** {@code demand + amount}, saturating at {@link Long#MAX_VALUE} (which means "flowing"). */
  static long addDemand(long demand, long amount) {
    long sum = demand + amount;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
