package io.g4f.client.testing;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted upstream on 127.0.0.1 for tests: routes by method and path to handlers that write
 * exact bytes, and records every request it received (method, path, headers, body) and every
 * connection it saw closed.
 */
public final class ScriptedServer implements AutoCloseable {

  /** One received request, with the HTTP version it came in. */
  public record Received(HttpMethod method, String uri, MultiMap headers, Buffer body, HttpVersion version) {

    /** The body as JSON. */
    public JsonObject json() {
      return body.toJsonObject();
    }
  }

  private final Vertx vertx;
  private final Map<String, Handler<HttpServerRequest>> routes = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger openedConnections = new AtomicInteger();
  private final AtomicInteger closedConnections = new AtomicInteger();
  private HttpServer server;
  private boolean tls;

  private ScriptedServer(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The body of each request being answered, for handlers that answer by its content. */
  private final Map<HttpServerRequest, Buffer> bodies = new ConcurrentHashMap<>();

  /** Starts a server on an ephemeral loopback port. */
  public static ScriptedServer start(Vertx vertx) {
    return start(vertx, new HttpServerOptions());
  }

  /** Starts an HTTPS server on an ephemeral loopback port, with {@code certificate}. */
  public static ScriptedServer startTls(Vertx vertx, io.vertx.core.net.SelfSignedCertificate certificate) {
    return start(vertx, new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()));
  }

  /**
   * Starts a server with {@code options} (host and port are set to 127.0.0.1 and an ephemeral port): HTTP/2 with
   * {@code setSsl(true).setUseAlpn(true)}, say; Vert.x servers also take h2c with prior knowledge on plain ports.
   */
  public static ScriptedServer start(Vertx vertx, HttpServerOptions options) {
    ScriptedServer scripted = new ScriptedServer(vertx);
    scripted.tls = options.isSsl();
    scripted.server = await(vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0))
        .connectionHandler(connection -> {
          scripted.openedConnections.incrementAndGet();
          connection.closeHandler(v -> scripted.closedConnections.incrementAndGet());
        })
        .requestHandler(scripted::handle)
        .listen());
    return scripted;
  }

  /** Routes {@code method path} (path without query) to {@code handler}, which sees the whole body read. */
  public ScriptedServer on(HttpMethod method, String path, Handler<HttpServerRequest> handler) {
    routes.put(method.name() + " " + path, handler);
    return this;
  }

  /** Answers {@code method path} with a status, content type and body. */
  public ScriptedServer reply(HttpMethod method, String path, int status, String contentType, String body) {
    return on(method, path, request -> request.response().setStatusCode(status)
        .putHeader("content-type", contentType).end(body));
  }

  /**
   * Answers {@code POST path} as an OpenAI-style chat endpoint does: with the SSE body when the request asks
   * for a stream ({@code "stream": true}), else with the whole JSON completion.
   */
  public ScriptedServer chat(String path, String sseBody, String completionJson) {
    return chat(path, "text/event-stream", sseBody, completionJson);
  }

  /** As {@link #chat(String, String, String)}, with the streamed body of another content type (NDJSON, say). */
  public ScriptedServer chat(String path, String streamContentType, String streamBody, String completionJson) {
    return on(HttpMethod.POST, path, request -> answerChat(request, streamContentType, streamBody, completionJson));
  }

  /** Answers {@code request} as {@link #openAiChat} does, for handlers that answer later or only some requests. */
  public void answerOpenAiChat(HttpServerRequest request) {
    answerChat(request, "text/event-stream", resource("transcripts/openai-chat-stream.txt"),
        resource("transcripts/openai-chat-completion.json"));
  }

  private void answerChat(HttpServerRequest request, String streamContentType, String streamBody,
                          String completionJson) {
    Buffer body = bodies.remove(request);
    boolean stream = body != null && body.length() > 0 && Boolean.TRUE.equals(body.toJsonObject().getValue("stream"));
    request.response().setStatusCode(200).putHeader("content-type", stream ? streamContentType : "application/json")
        .end(stream ? streamBody : completionJson);
  }

  /**
   * Answers {@code POST path} with OpenAI's documented answer to "say this is a test": the event stream of
   * {@code transcripts/openai-chat-stream.txt} or the completion of {@code transcripts/openai-chat-completion.json}.
   */
  public ScriptedServer openAiChat(String path) {
    return chat(path, resource("transcripts/openai-chat-stream.txt"), resource("transcripts/openai-chat-completion.json"));
  }

  /** Answers {@code POST path} with an SSE body written in one piece. */
  public ScriptedServer sse(String path, String body) {
    return reply(HttpMethod.POST, path, 200, "text/event-stream", body);
  }

  /**
   * A handler that answers with {@code count} copies of {@code event} then {@code data: [DONE]},
   * writing only while the connection is writable (so a reader that stops reading stalls it), and
   * adding every byte it writes to {@code written}.
   */
  public static Handler<HttpServerRequest> flood(Buffer event, int count, java.util.concurrent.atomic.AtomicLong written) {
    return request -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      floodWhileWritable(response, event, count, new java.util.concurrent.atomic.AtomicInteger(), written);
    };
  }

  /**
   * Waits until {@code written} has not grown for 300 ms (the writer stalled), and returns it;
   * fails if it keeps growing for 20 s.
   */
  public static long awaitStall(java.util.concurrent.atomic.AtomicLong written) throws InterruptedException {
    long previous = -1;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      long now = written.get();
      if (now == previous) {
        return now;
      }
      previous = now;
      Thread.sleep(300);
    }
    throw new AssertionError("the upstream never stalled: " + written.get() + " bytes written");
  }

  private static void floodWhileWritable(io.vertx.core.http.HttpServerResponse response, Buffer event, int count,
                                         java.util.concurrent.atomic.AtomicInteger sent,
                                         java.util.concurrent.atomic.AtomicLong written) {
    while (sent.get() < count && !response.closed() && !response.writeQueueFull()) {
      response.write(event);
      written.addAndGet(event.length());
      sent.incrementAndGet();
    }
    if (sent.get() == count) {
      response.end("data: [DONE]\n\n");
    } else if (!response.closed()) {
      response.drainHandler(v -> floodWhileWritable(response, event, count, sent, written));
    }
  }

  private void handle(HttpServerRequest request) {
    request.pause();
    request.body().onSuccess(body -> {
      received.add(new Received(request.method(), request.uri(), MultiMap.caseInsensitiveMultiMap()
          .addAll(request.headers()), body, request.version()));
      Handler<HttpServerRequest> handler = routes.get(request.method().name() + " " + request.path());
      bodies.put(request, body);
      request.response().endHandler(v -> bodies.remove(request));
      request.response().closeHandler(v -> bodies.remove(request));
      if (handler == null) {
        request.response().setStatusCode(404).end("{\"error\":{\"message\":\"no route\"}}");
      } else {
        handler.handle(request);
      }
    });
    request.resume();
  }

  /** The base URL, {@code http://127.0.0.1:PORT/v1} (or https). */
  public String baseUrl() {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port() + "/v1";
  }

  /** The port. */
  public int port() {
    return server.actualPort();
  }

  /** Requests received so far, in order. */
  public List<Received> received() {
    return received;
  }

  /** The last request received. */
  public Received last() {
    return received.get(received.size() - 1);
  }

  /** How many client connections are open now (accepted and not yet closed). */
  public int openConnections() {
    return openedConnections.get() - closedConnections.get();
  }

  /** How many client connections have closed. */
  public int closedConnections() {
    return closedConnections.get();
  }

  /** The text of a test resource, e.g. {@code transcripts/openai-chat-stream.txt}, exactly as stored. */
  public static String resource(String name) {
    try (var in = ScriptedServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("No test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Bytes of a file, for assertions. */
  public static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A 1x1 PNG image, a new array each call: the bytes an upstream answers for a generated or fetched image. */
  public static byte[] onePixelPng() {
    return Base64.getDecoder().decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");
  }

  /** Waits for a future from a test thread (never an event loop). */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Override
  public void close() {
    await(server.close());
  }
}
