package io.g4f.bench;

import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * The harness's HTTP/1.1 client: posts chat requests to a port on 127.0.0.1 and times them, reading
 * streamed answers with the library's {@link SseParser}. Use it from one Vert.x context only.
 */
final class LoadClient {

  /** One finished stream: time to its first chunk, to its end, and how many chunks it carried. */
  record StreamTiming(long firstChunkNanos, long totalNanos, int chunks) {}

  private final HttpClientAgent http;
  private final java.util.Map<Integer, java.util.Map<String, String>> headers = new java.util.concurrent.ConcurrentHashMap<>();

  LoadClient(Vertx vertx, int maxConnections) {
    this(vertx, maxConnections, null);
  }

  /**
   * A client of up to {@code maxConnections} connections whose sockets bind to {@code localAddress}
   * (a 127.0.0.x, so that many thousand connections do not share one address's ephemeral ports; null: any).
   */
  LoadClient(Vertx vertx, int maxConnections, String localAddress) {
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(30_000)
            .setLocalAddress(localAddress),
        new PoolOptions().setHttp1MaxSize(maxConnections));
  }

  /** Sends {@code extra} with every request to {@code port} (a peer gateway's routing headers, say). */
  LoadClient headers(int port, java.util.Map<String, String> extra) {
    headers.put(port, extra);
    return this;
  }

  /** The body of a chat request for {@code model}. */
  static Buffer chatRequest(String model, boolean stream) {
    return new JsonObject().put("model", model).put("stream", stream)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "Say this is a test")))
        .toBuffer();
  }

  /** Posts a non-streamed request and resolves to its latency in nanoseconds, once the whole body is read. */
  Future<Long> complete(int port, Buffer body) {
    long start = System.nanoTime();
    return post(port, body).compose(HttpClientResponse::body).map(answer -> System.nanoTime() - start);
  }

  /**
   * Posts a streamed request and reads it to {@code [DONE]}. When {@code delays} is given, records into it
   * how long each stamped chunk took from the upstream's write to here. {@code opened}, if given, runs
   * when the first chunk arrives.
   */
  Future<StreamTiming> stream(int port, Buffer body, Histogram delays, Runnable opened) {
    long start = System.nanoTime();
    return post(port, body).compose(response -> {
      long[] firstChunk = {-1};
      int[] chunks = {0};
      SseParser parser = new SseParser(event -> {
        long now = System.nanoTime();
        if (event.data().equals("[DONE]")) {
          return;
        }
        chunks[0]++;
        if (firstChunk[0] < 0) {
          firstChunk[0] = now - start;
          if (opened != null) {
            opened.run();
          }
        }
        long stamp = delays == null ? -1 : ScriptedUpstream.stamp(event.data());
        if (stamp >= 0) {
          delays.recordValue(now - stamp);
        }
      });
      response.handler(parser::feed);
      return response.end().map(v -> new StreamTiming(firstChunk[0], System.nanoTime() - start, chunks[0]));
    });
  }

  private Future<HttpClientResponse> post(int port, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/v1/chat/completions").putHeader("content-type", "application/json");
    headers.getOrDefault(port, java.util.Map.of()).forEach(options::putHeader);
    return http.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.statusCode() == 200 ? Future.succeededFuture(response)
            : response.body().compose(error -> Future.failedFuture(new IllegalStateException(
                "HTTP " + response.statusCode() + " from port " + port + ": " + error))));
  }

  Future<Void> close() {
    return http.close();
  }
}
