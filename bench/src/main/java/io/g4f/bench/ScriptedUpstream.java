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
 * With {@code eventPerWrite} (as {@link Upstream} runs it), an interval of 0 writes one event per write,
 * as real servers do, instead of the whole stream in one write. It speaks HTTP/1.1 and, on the same port, HTTP/2
 * with prior knowledge (h2c), taking 100 streams a connection (Vert.x's default, about what real providers allow).
 */
final class ScriptedUpstream extends VerticleBase {

  private static final String PREFIX = "load-";

  private final Map<Integer, Buffer> bursts = new ConcurrentHashMap<>();
  private final Map<Integer, Buffer> completions = new ConcurrentHashMap<>();
  private final boolean eventPerWrite;
  private final int port;
  private HttpServer server;

  ScriptedUpstream() {
    this(false, 0);
  }

  /** An upstream on {@code port} (0: any free one) that writes burst streams one event per write when asked. */
  ScriptedUpstream(boolean eventPerWrite, int port) {
    this.eventPerWrite = eventPerWrite;
    this.port = port;
  }

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
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
            .setHttp2ClearTextEnabled(true))
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
      } else if (interval == 0 && eventPerWrite) {
        writeOneByOne(response.setChunked(true).putHeader("content-type", "text/event-stream"), eventsOf(tokens), 0);
      } else if (interval == 0) {
        response.putHeader("content-type", "text/event-stream")
            .end(bursts.computeIfAbsent(tokens, OpenAiStreams::textStream));
      } else {
        trickle(response.setChunked(true).putHeader("content-type", "text/event-stream"), tokens, interval);
      }
    });
  }

  private final Map<Integer, Buffer[]> events = new ConcurrentHashMap<>();

  /** The events of a streamed answer of {@code tokens} tokens, one buffer each, {@code [DONE]} last. */
  private Buffer[] eventsOf(int tokens) {
    return events.computeIfAbsent(tokens, n -> {
      String[] chunks = OpenAiStreams.textChunks(n);
      Buffer[] all = new Buffer[chunks.length + 1];
      for (int i = 0; i < chunks.length; i++) {
        all[i] = Buffer.buffer(OpenAiStreams.event(chunks[i]));
      }
      all[chunks.length] = Buffer.buffer(OpenAiStreams.done());
      return all;
    });
  }

  /**
   * Writes {@code events[i]}, then the next one in a later event-loop task: outside a read, Vert.x flushes
   * each write at once, so every event leaves in its own write (and usually its own TCP segment).
   */
  private void writeOneByOne(HttpServerResponse response, Buffer[] events, int i) {
    if (i == events.length - 1) {
      response.end(events[i]);
      return;
    }
    response.write(events[i]);
    vertx.runOnContext(v -> writeOneByOne(response, events, i + 1));
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
