package io.g4f.bench;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * A fast OpenAI-compatible upstream as a process of its own, for {@code bench/run.sh}: the
 * {@link ScriptedUpstream} on 127.0.0.1 (HTTP/1.1, and h2c on the same port), streaming one SSE event per write as
 * real servers do and answering {@code stream: false} with one JSON completion. The request's model scripts the answer
 * ({@code load-<tokens>-<intervalMillis>}). It exits by itself after {@code --max-seconds}.
 *
 * <p>Run: {@code java -cp bench/target/g4f-bench.jar io.g4f.bench.Upstream --port=N [--max-seconds=900]}.
 */
public final class Upstream {

  private Upstream() {
  }

  public static void main(String[] args) throws Exception {
    int port = 0;
    long maxSeconds = 900;
    for (String arg : args) {
      if (arg.startsWith("--port=")) {
        port = Integer.parseInt(arg.substring(7));
      } else if (arg.startsWith("--max-seconds=")) {
        maxSeconds = Long.parseLong(arg.substring(14));
      } else {
        System.err.println("Usage: Upstream --port=N [--max-seconds=900]");
        System.exit(2);
      }
    }
    Vertx vertx = Vertx.vertx();
    ScriptedUpstream upstream = new ScriptedUpstream(true, port);
    vertx.deployVerticle(upstream).await(30, TimeUnit.SECONDS);
    System.out.println("upstream listening on 127.0.0.1:" + upstream.port());
    vertx.setTimer(TimeUnit.SECONDS.toMillis(maxSeconds), id -> {
      System.out.println("upstream: --max-seconds reached, exiting");
      System.exit(0);
    });
  }
}
