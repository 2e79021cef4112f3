package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded corpus of malformed requests: {@value #PER_FAMILY} each for {@code /v1/chat/completions},
 * {@code /v1/images/generations} (with {@code /images/} path traversal) and TCP bridge messages to
 * {@code PREFIX.chat.completions}. Wrong types, nulls in arrays, missing fields, huge numbers and strings, deep
 * nesting, invalid UTF-8, duplicate keys, oversized bodies, wrong content types and bad headers: every answer is a 4xx
 * in the endpoint's error shape, none a 5xx, none hangs, no request reaches the upstream, and {@code /health} is fine
 * afterwards. The seed is printed; a failure names the request.
 */
class BadInputCorpusTest {

  static final int PER_FAMILY = 5_000;
  private static final int IN_FLIGHT = 32;
  private static final long BODY_LIMIT = 64 * 1024;
  private static final long SEED = Long.getLong("corpus.seed", 20261129L);

  private static Vertx vertx;
  private static ScriptedServer upstream;
  /**
   * The callers' client: a fresh connection per exchange (no keep-alive), and pool room for the connections of one
   * batch still closing when the next one starts.
   */
  private static HttpClient http;
  private static int port;
  private static int tcpPort;
  private static final Map<String, Integer> COUNTS = new TreeMap<>();

  /** One generated request: what it is (for a failure message), its headers and its body bytes. */
  record Case(String what, String contentType, Map<String, String> headers, Buffer body) {
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    upstream = ScriptedServer.start(vertx).openAiChat("/v1/chat/completions");
    tcpPort = BridgeFrames.freePort();
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0).setTcpBridgePort(tcpPort)
        .setBodyLimit(BODY_LIMIT).addProvider("local", new ClientOptions().setBaseUrl(upstream.baseUrl())
            .setMaxRetries(0), List.of("m1")));
    await(vertx.deployVerticle(gateway));
    port = gateway.actualPort();
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(IN_FLIGHT * 2));
  }

  @AfterAll
  static void stop() {
    System.out.println("Bad input corpus (seed " + SEED + "): " + COUNTS);
    upstream.close();
    await(vertx.close());
  }

  // ------------------------------------------------------------------ generation

  /** Values wrong for any field whose type is not among {@code except} ("string", "number", "array", ...). */
  private static final String[][] WRONG = {
      {"number", "42"}, {"number", "-7"}, {"number", "3.5"}, {"boolean", "true"}, {"string", "\"x\""},
      {"array", "[]"}, {"object", "{}"}, {"array", "[null]"}, {"array", "[[[]]]"}, {"object", "{\"a\":null}"},
  };

  /**
   * Edge values: not finite (any field), and beyond 64 bits (an integer field). A finite number out of a provider's
   * range (top_p 1e29) is the provider's to refuse.
   */
  private static final String[] EDGE = {
      "1e400", "-1e400", "123456789012345678901234567890", "-123456789012345678901234567890",
  };

  private static String deep(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private record Field(String name, List<String> types) {
  }

  private static final List<Field> CHAT_FIELDS = List.of(new Field("model", List.of("string")),
      new Field("messages", List.of("array", "string")), new Field("temperature", List.of("number")),
      new Field("top_p", List.of("number")), new Field("max_tokens", List.of("number", "integer")),
      new Field("n", List.of("number", "integer")), new Field("stream", List.of("boolean")),
      new Field("stop", List.of("string", "array")), new Field("tools", List.of("array")),
      new Field("seed", List.of("number", "integer")), new Field("user", List.of("string")),
      new Field("response_format", List.of("object")), new Field("stream_options", List.of("object")),
      new Field("provider", List.of("string", "array")));

  private static final List<Field> IMAGE_FIELDS = List.of(new Field("prompt", List.of("string")),
      new Field("model", List.of("string")), new Field("n", List.of("number", "integer")), new Field("size", List.of("string")),
      new Field("response_format", List.of("string")), new Field("provider", List.of("string", "array")));

  /** A generator of malformed bodies for an endpoint whose valid body is {@code valid}. */
  private static final class Corpus {

    private final Random random;
    private final String valid;
    private final List<Field> fields;
    private final String required;

    Corpus(Random random, String valid, List<Field> fields, String required) {
      this.random = random;
      this.valid = valid;
      this.fields = fields;
      this.required = required;
    }

    private <T> T pick(List<T> values) {
      return values.get(random.nextInt(values.size()));
    }

    private String wrongFor(Field field) {
      List<String> wrong = new ArrayList<>();
      for (String[] value : WRONG) {
        if (!field.types().contains(value[0])) {
          wrong.add(value[1]);
        }
      }
      return pick(wrong);
    }

    /** The valid body with {@code name} set to the raw JSON {@code value} (in place of its own, if any). */
    private String with(String name, String value) {
      JsonObject others = new JsonObject(valid);
      others.remove(name);
      return "{\"" + name + "\":" + value + (others.isEmpty() ? "}" : "," + others.encode().substring(1));
    }

    /** One malformed request. */
    Case next() {
      String contentType = random.nextInt(10) == 0
          ? pick(List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=latin1",
              "application/x-www-form-urlencoded", ""))
          : "application/json";
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      if (random.nextInt(8) == 0) {
        headers.put(pick(List.of("x-g4f-provider", "x-request-id", "authorization", "x-forwarded-for", "accept")),
            pick(List.of("", "../../etc/passwd", "Bearer", "x".repeat(4_000), "\u00e9t\u00e9", "nobody, 1.2.3.4")));
      }
      Field field = pick(fields);
      int kind = random.nextInt(12);
      String what;
      Buffer body;
      switch (kind) {
        case 0, 1, 2 -> {
          what = "wrong type for " + field.name();
          body = Buffer.buffer(with(field.name(), wrongFor(field)));
        }
        case 3 -> {
          what = "edge value for " + field.name();
          body = Buffer.buffer(with(field.name(), field.types().contains("integer") ? pick(List.of(EDGE))
              : pick(List.of(EDGE).subList(0, 2))));
        }
        case 4 -> {
          what = "missing " + required;
          body = Buffer.buffer(new JsonObject(valid).copy().put(required, (Object) null).encode()
              .replace("\"" + required + "\":null", "\"_\":0"));
        }
        case 5 -> {
          what = "huge string in " + field.name();
          body = Buffer.buffer(with(field.name(), "\"" + "a".repeat((int) BODY_LIMIT + random.nextInt(1_000)) + "\""));
        }
        case 6 -> {
          what = "invalid UTF-8 in " + field.name();
          byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
          String text = with(required, "\"@\"");
          int at = text.indexOf('@');
          body = Buffer.buffer(text.substring(0, at)).appendBytes(bad).appendString(text.substring(at + 1));
        }
        case 7 -> {
          what = "duplicate key " + required;
          String value = io.vertx.core.json.Json.encode(new JsonObject(valid).getValue(required));
          String text = with(required, value);
          body = Buffer.buffer(text.substring(0, text.length() - 1) + ",\"" + required + "\":"
              + (random.nextBoolean() ? value : wrongFor(field)) + "}");
        }
        case 8 -> {
          what = "not a JSON object";
          body = Buffer.buffer(pick(List.of("", "null", "[]", "42", "\"text\"", "{", "{\"model\":", "}{", valid + "x",
              "{'model':'m1'}", "{\"temperature\":NaN}", "/*c*/" + valid, deep(5_000), "\uFEFF", "{\"a\":1,}")));
        }
        case 9 -> {
          what = "nulls in arrays";
          body = Buffer.buffer(with(required, pick(List.of("[null]", "[null,null]", "[1,null]", "[{\"role\":null}]"))));
        }
        case 10 -> {
          what = "deep nesting in " + field.name();
          int depth = 500 + random.nextInt(2_000);
          body = Buffer.buffer(with(field.name(), "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)));
        }
        default -> {
          what = "oversized body";
          body = Buffer.buffer(new byte[(int) BODY_LIMIT + 1 + random.nextInt(10_000)]);
        }
      }
      return new Case(what, contentType, headers, body);
    }
  }

  // ------------------------------------------------------------------ HTTP

  /** Sends every case, {@value #IN_FLIGHT} at a time; returns each one's status and body, or -1 naming a hang. */
  private static List<Map.Entry<Case, Map.Entry<Integer, String>>> send(HttpMethod method, String path,
                                                                       List<Case> cases) {
    List<Map.Entry<Case, Map.Entry<Integer, String>>> answers = new ArrayList<>();
    for (int from = 0; from < cases.size(); from += IN_FLIGHT) {
      List<Future<Map.Entry<Integer, String>>> batch = new ArrayList<>();
      for (Case c : cases.subList(from, Math.min(cases.size(), from + IN_FLIGHT))) {
        batch.add(exchange(method, path, c));
      }
      await(Future.join(batch));
      for (int i = 0; i < batch.size(); i++) {
        answers.add(Map.entry(cases.get(from + i), batch.get(i).result()));
      }
    }
    return answers;
  }

  /**
   * One case's exchange: its status and body, or -1 when no answer came within 10 s. The body is asked for in the
   * callback that gets the response, on the connection's event loop: a Vert.x response hands its body to the
   * handlers it has as the bytes arrive, so a {@code body()} asked for later (from a stage chained on this test
   * thread, run after the response already ended) never completes (eclipse-vertx/vert.x#5904).
   */
  private static Future<Map.Entry<Integer, String>> exchange(HttpMethod method, String path, Case c) {
    RequestOptions request = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port)
        .setURI(path.contains("{}") ? path.replace("{}", c.what()) : path).setIdleTimeout(10_000)
        .putHeader("content-type", c.contentType());
    c.headers().forEach(request::putHeader);
    return http.request(request)
        .compose(r -> r.send(c.body())
            .compose(response -> response.body().map(body -> Map.entry(response.statusCode(), body.toString()))))
        .timeout(10, TimeUnit.SECONDS)
        .recover(failure -> Future.succeededFuture(Map.entry(-1, "no answer (a hang?): " + failure)));
  }

  private static void assertAllOpenAi4xx(String family, List<Map.Entry<Case, Map.Entry<Integer, String>>> answers) {
    Map<Integer, Integer> statuses = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<Case, Map.Entry<Integer, String>> answer : answers) {
      int status = answer.getValue().getKey();
      String body = answer.getValue().getValue();
      statuses.merge(status, 1, Integer::sum);
      Case c = answer.getKey();
      String sent = c.body().toString(StandardCharsets.UTF_8);
      String what = c.what() + " (" + c.contentType() + ", " + c.headers() .keySet() + ", "
          + sent.substring(0, Math.min(120, sent.length())) + ") -> " + status + " "
          + body.substring(0, Math.min(200, body.length()));
      JsonObject error = status < 400 || status > 499 || !body.startsWith("{") ? null
          : new JsonObject(body).getJsonObject("error");
      if (error == null || !error.fieldNames().equals(java.util.Set.of("message", "type", "param", "code"))) {
        wrong.add(what);
      }
    }
    synchronized (COUNTS) {
      COUNTS.put(family + " " + statuses, answers.size());
    }
    assertThat(wrong).as("answers that are not a 4xx OpenAI error (%s of %s)", wrong.size(), answers.size())
        .isEmpty();
  }

  private static void assertHealthy() {
    Map.Entry<Integer, String> health = await(http.request(HttpMethod.GET, port, "127.0.0.1", "/health")
        .compose(r -> r.send().compose(response -> response.body().map(b -> Map.entry(response.statusCode(), b.toString())))));
    assertThat(health.getKey()).isEqualTo(200);
    assertThat(upstream.received()).as("no malformed request reaches the upstream").isEmpty();
  }

  private static List<Case> corpus(long seed, String valid, List<Field> fields, String required) {
    upstream.received().clear();
    Corpus corpus = new Corpus(new Random(seed), valid, fields, required);
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < PER_FAMILY; i++) {
      cases.add(corpus.next());
    }
    return cases;
  }

  @Test
  void chatCompletions() {
    List<Case> cases = corpus(SEED, "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        CHAT_FIELDS, "messages");

    assertAllOpenAi4xx("/v1/chat/completions", send(HttpMethod.POST, "/v1/chat/completions", cases));
    assertHealthy();
  }

  @Test
  void imageGenerationsAndImageFiles() {
    List<Case> cases = corpus(SEED + 1, "{\"prompt\":\"a cat\",\"model\":\"m1\"}", IMAGE_FIELDS, "prompt");
    Random random = new Random(SEED + 2);
    List<Case> traversal = new ArrayList<>();
    String[] paths = {"..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e%2fpom.xml", "..%5C..%5Cwindows%5Cwin.ini",
        "%00", ".hidden", "a%2Fb", "x".repeat(300), "%252e%252e%252f", "...", "%c0%ae%c0%ae%2f", "nope.png", "a%00.png",
        "..%2f", "%5c..%5c"};
    for (int i = 0; i < 500; i++) {
      traversal.add(new Case(paths[random.nextInt(paths.length)] + (random.nextBoolean() ? "" : "?v=" + i),
          "application/json", Map.of(), Buffer.buffer()));
    }

    assertAllOpenAi4xx("/v1/images/generations", send(HttpMethod.POST, "/v1/images/generations", cases));
    assertAllOpenAi4xx("/images/{file}", send(HttpMethod.GET, "/images/{}", traversal));
    assertHealthy();
  }

  // ------------------------------------------------------------------ TCP bridge

  @Test
  void bridgeMessages() throws Exception {
    List<Case> cases = corpus(SEED + 3, "{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
        CHAT_FIELDS, "messages");
    Random random = new Random(SEED + 4);
    NetSocket socket = await(vertx.createNetClient().connect(tcpPort, "127.0.0.1"));
    Map<String, Promise<JsonObject>> waiting = new ConcurrentHashMap<>();
    java.util.concurrent.BlockingQueue<JsonObject> unaddressed = new java.util.concurrent.LinkedBlockingQueue<>();
    List<String> unreadable = new ArrayList<>();
    RecordParser parser = RecordParser.newFixed(4);
    int[] size = {-1};
    parser.handler(part -> {
      if (size[0] < 0) {
        size[0] = part.getInt(0);
        parser.fixedSizeMode(size[0]);
      } else {
        JsonObject frame = part.toJsonObject();
        Promise<JsonObject> promise = waiting.remove(frame.getString("address", ""));
        if (promise != null) {
          promise.complete(frame);
        } else {
          unaddressed.add(frame);
        }
        size[0] = -1;
        parser.fixedSizeMode(4);
      }
    });
    socket.handler(parser);
    Map<Integer, Integer> codes = new TreeMap<>();
    for (int from = 0; from < cases.size(); from += IN_FLIGHT) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      List<String> whats = new ArrayList<>();
      for (int i = from; i < Math.min(cases.size(), from + IN_FLIGHT); i++) {
        Case c = cases.get(i);
        String reply = "corpus-" + i;
        String headers = random.nextInt(5) != 0 ? "{}" : new JsonObject().put(random.nextBoolean() ? "timeout"
            : "credits", List.of("\"3000\"", "-1", "abc", "1e400", "", "99999999999999999999")
            .get(random.nextInt(6))).encode();
        String frame = "{\"type\":\"send\",\"address\":\"g4f.chat.completions\",\"replyAddress\":\"" + reply
            + "\",\"headers\":" + headers + ",\"body\":" + bridgeBody(c) + "}";
        try {
          new JsonObject(frame);
        } catch (RuntimeException notJson) {
          unreadable.add(frame);
          continue;
        }
        Promise<JsonObject> answered = Promise.promise();
        waiting.put(reply, answered);
        Buffer json = Buffer.buffer(frame);
        socket.write(Buffer.buffer().appendInt(json.length()).appendBuffer(json));
        batch.add(answered.future().timeout(10, TimeUnit.SECONDS).otherwiseEmpty());
        whats.add(c.what() + " " + frame.substring(0, Math.min(300, frame.length())));
      }
      await(Future.join(batch));
      for (int i = 0; i < batch.size(); i++) {
        JsonObject answer = batch.get(i).result();
        assertThat(answer).as("no answer (a hang): " + whats.get(i)).isNotNull();
        Integer code = answer.getInteger("failureCode");
        codes.merge(code == null ? 0 : code, 1, Integer::sum);
        assertThat(code).as(whats.get(i) + " -> " + answer.encode()).isNotNull().isBetween(400, 499);
        assertThat(new JsonObject(answer.getString("message")).getJsonObject("error").fieldNames())
            .containsExactlyInAnyOrder("message", "type", "param", "code");
      }
    }
    // Vert.x's TCP bridge logs a frame that is not JSON and answers nothing (there is no address to answer): the
    // caller's own timeout ends its wait. What matters here is that the connection and the gateway go on serving.
    for (String frame : unreadable) {
      Buffer json = Buffer.buffer(frame);
      socket.write(Buffer.buffer().appendInt(json.length()).appendBuffer(json));
    }
    Promise<JsonObject> after = Promise.promise();
    waiting.put("after", after);
    Buffer probe = Buffer.buffer("{\"type\":\"send\",\"address\":\"g4f.chat.completions\",\"replyAddress\":\"after\","
        + "\"body\":{\"messages\":[null]}}");
    socket.write(Buffer.buffer().appendInt(probe.length()).appendBuffer(probe));
    assertThat(await(after.future()).getInteger("failureCode")).as("served after unreadable frames").isEqualTo(400);
    codes.put(-1, unreadable.size());
    assertThat(unaddressed).as("frames nobody asked for").isEmpty();
    await(socket.close());
    synchronized (COUNTS) {
      COUNTS.put("bridge g4f.chat.completions", cases.size());
      COUNTS.put("bridge failure codes (-1: frame not JSON, unanswered by the bridge) " + codes, cases.size());
    }
    assertHealthy();
  }

  /**
   * A case's body as a bridge frame carries it: its JSON text as is when it is a strict JSON object (so non-finite numbers and deep
   * nesting reach the bridge's parser), else as a string. A frame is JSON text, so a body cannot hold invalid UTF-8
   * (a frame that is not UTF-8 is the bridge's to refuse), the bridge merges duplicate keys before the gateway sees
   * them, and the HTTP body limit that makes a huge string too big is not the bridge's; such cases send a number
   * for a body instead.
   */
  private static String bridgeBody(Case c) {
    String text = c.body().toString(StandardCharsets.UTF_8);
    if (text.contains("\uFFFD") || c.what().startsWith("duplicate key") || c.what().startsWith("huge string")) {
      return "42";
    }
    try {
      if (io.g4f.client.spi.toolkit.Json.MAPPER.readTree(text).isObject()) {
        return text;
      }
    } catch (java.io.IOException | RuntimeException notJson) {
      // sent as a string below
    }
    return io.vertx.core.json.Json.encode(text.length() > 2_000 ? text.substring(0, 2_000) : text);
  }

}
