package io.g4f.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The load harness's OpenAI-compatible upstream on 127.0.0.1: {@code POST /v1/chat/completions}
 * answers as the request's model {@link #model(int, long) says}. {@code stream: false} gets one JSON
 * completion; {@code stream: true} gets the {@link OpenAiStreams} events, all in one write when the
 * interval is 0, else the role chunk at once and one content chunk per interval whose content is
 * {@code t<nanoTime>}, the moment it was written, so a reader in the same JVM can time its delivery.
 */
final class ScriptedUpstream extends VerticleBase {

  private static final String PREFIX = "load-";

  private final Map<Integer, Buffer> bursts = new ConcurrentHashMap<>();
  private final Map<Integer, Buffer> completions = new ConcurrentHashMap<>();
  private HttpServer server;

  /** The model name that scripts an answer of {@code tokens} tokens, one every {@code intervalMillis} (0: all at once). */
  static String model(int tokens, long intervalMillis) {
    return PREFIX + tokens + "-" + intervalMillis;
  }

  /** Extracts the write time stamped into a trickled chunk's JSON, or -1 when it carries none. */
  static long stamp(String chunkJson) {
    int start = chunkJson.indexOf("\"content\":\"t");
    if (start < 0) {
      return -1;
    }
    start += 12;
    int end = chunkJson.indexOf('"', start);
    return Long.parseLong(chunkJson, start, end, 10);
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      JsonObject json = body.toJsonObject();
      String model = json.getString("model", "");
      HttpServerResponse response = request.response();
      if (!model.startsWith(PREFIX)) {
        response.setStatusCode(404).end("{\"error\":{\"message\":\"unknown model\"}}");
        return;
      }
      String[] script = model.substring(PREFIX.length()).split("-");
      int tokens = Integer.parseInt(script[0]);
      long interval = Long.parseLong(script[1]);
      if (!json.getBoolean("stream", false)) {
        response.putHeader("content-type", "application/json")
            .end(completions.computeIfAbsent(tokens, n -> Buffer.buffer(OpenAiStreams.completion(n))));
      } else if (interval == 0) {
        response.putHeader("content-type", "text/event-stream")
            .end(bursts.computeIfAbsent(tokens, OpenAiStreams::textStream));
      } else {
        trickle(response.setChunked(true).putHeader("content-type", "text/event-stream"), tokens, interval);
      }
    });
  }

  private void trickle(HttpServerResponse response, int tokens, long interval) {
    response.write(OpenAiStreams.event(OpenAiStreams.roleChunk()));
    int[] sent = {0};
    long timer = vertx.setPeriodic(interval, id -> {
      if (sent[0] < tokens) {
        sent[0]++;
        response.write(OpenAiStreams.event(OpenAiStreams.contentChunk("t" + System.nanoTime())));
      } else {
        vertx.cancelTimer(id);
        response.end(OpenAiStreams.event(OpenAiStreams.finishChunk()) + OpenAiStreams.event(OpenAiStreams.usageChunk(tokens))
            + OpenAiStreams.done());
      }
    });
    response.closeHandler(v -> vertx.cancelTimer(timer));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
