package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import io.g4f.client.ClientOptions;
import io.g4f.client.testing.ScriptedServer;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.config.UpstreamLimits;
import io.g4f.server.http.HttpExchange;
import io.g4f.server.observability.AccessLog;
import io.g4f.server.observability.Observability;
import io.g4f.server.pipeline.Exchange;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The gateway under a steady load with callers who leave and an upstream that fails, for {@value #DEFAULT_SECONDS} s
 * ({@code -Dsoak.seconds}) with a seeded random ({@code -Dsoak.seed}, printed): {@value #STREAMS} streamed chat
 * completions and {@value #WHOLES} whole answers in progress at all times, each caller sending its next request when
 * the last one is over. Of the requests, some callers close their connection mid-stream or while waiting for a whole
 * answer; some upstream answers are reset (before or mid-stream), 500, 503, 429, headers then silence (past the
 * streams' provider's idle timeout, or the whole answers' provider's total timeout, both short), a stream cut short
 * without {@code [DONE]}, or malformed JSON. Afterwards:
 *
 * <ul>
 *   <li>every request is accounted for exactly once: completed with the full answer the upstream sent, failed with a
 *   reason (an error status, or an error event then {@code [DONE]}) that fits its fault, or cancelled by its caller;
 *   nothing partial passes for complete (a stream that ends without an error event has all its text and
 *   {@code [DONE]}); the access log has each request once, with the status the caller saw (499 for a caller who left
 *   before the status line); the upstream saw each request at most once;</li>
 *   <li>a caller who leaves cancels the upstream request: the upstream sees it closed before it would answer a whole
 *   answer, or while it keeps streaming past the text of a stream;</li>
 *   <li>nothing is left open or counted as running: the upstream's connections, the gateway's HTTP client pool and
 *   connections, its HTTP server's requests and connections (Vert.x's metrics on the gateway's own Vert.x), and each
 *   routing target's {@code in_flight} ({@code /v1/providers});</li>
 *   <li>the heap after a GC is near what it was after the warm-up;</li>
 *   <li>Vert.x logged no blocked thread.</li>
 * </ul>
 *
 * <p>Each caller has a model of its own, so a routing target (and its client's circuit breaker) of its own; a caller
 * never meets more than two faults in a row, so no circuit opens and every answer that the upstream sends whole
 * reaches its caller. Only generous timeouts are waited on: the assertions count, they do not time.
 */
class SoakTest {

  static final int STREAMS = 200;
  static final int WHOLES = 50;
  static final int DEFAULT_SECONDS = 20;
  private static final long SEED = Long.getLong("soak.seed", 20261129L);
  private static final long SECONDS = Long.getLong("soak.seconds", DEFAULT_SECONDS);
  /** The streams' provider's idle timeout: a stream's silence fails after it; chunks come every 200 to 500 ms. */
  private static final long STREAM_IDLE = 6_000;
  /** The streams' provider's total timeout: the longest stream takes 12 s. */
  private static final long STREAM_TOTAL = 40_000;
  /** The whole answers' provider's total timeout: a whole answer's silence fails after it; answers take 1 to 4 s. */
  private static final long WHOLE_TOTAL = 10_000;
  /** The connect timeout: generous, for 250 first connections on a loaded machine. */
  private static final long CONNECT = 10_000;
  /**
   * How long the upstream holds a whole answer whose caller leaves while waiting for it (after 100 to 600 ms), and
   * goes on streaming past its text to a caller who leaves mid-stream: unless the gateway cancels the request first.
   */
  private static final long HELD = 6_000;
  /** A caller who gets no byte for this long reports a hang. */
  private static final long HANG = 30_000;
  /** Heap growth allowed between the warm-up and the end, both after a GC. */
  private static final long HEAP_MARGIN = 16L << 20;
  private static final Pattern ACCESS = Pattern.compile("soak-(\\d+) POST /v1/chat/completions (\\d+) .*");

  /** What the upstream does with a request, or what its caller does. */
  enum Fault {
    NONE, CALLER_LEAVES, RESET, STATUS_500, STATUS_503, RATE_LIMITED, SILENCE, TRUNCATED, MALFORMED_JSON;

    /** The status a caller gets when this fault comes before the first chunk. */
    int status() {
      return switch (this) {
        case RATE_LIMITED -> 429;
        case SILENCE -> 504;
        default -> 502;
      };
    }
  }

  /**
   * One request: its caller's lane, streamed or whole, its fault, the text the upstream sends as {@code pieces} (a
   * stream's chunks), how many chunks come before a mid-stream fault or before a caller leaves ({@code at}), the
   * time between chunks, the upstream's wait before a whole answer, and when a whole-answer caller leaves.
   */
  record Scenario(int id, int lane, boolean stream, Fault fault, List<String> pieces, int at, long interval,
                  long delay, long leaveAfter) {

    String text() {
      return String.join("", pieces);
    }

    String model() {
      return "lane-" + lane;
    }
  }

  /** How a request ended, seen by its caller. */
  enum Kind { COMPLETED, FAILED, CANCELLED }

  /** A request's end: its kind, the status line (0: none came) and a reason for a failure. */
  record Outcome(Kind kind, int status, String reason) {
  }

  private static final String[] WORDS = {"soak ", "gateway ", "stream ", "chunk ", "é ", "日本 ", "🙂 ", "a\"b ",
      "back\\slash ", "tab\t", "line\n", "{json} "};

  private Vertx outside;
  private Vertx gatewayVertx;
  private Observability observability;
  private ScriptedServer upstream;
  private HttpClient callers;
  private int port;
  private LoggedEvents blocked;
  private LoggedEvents access;
  private final Map<String, Scenario> scenarios = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicInteger> upstreamCalls = new ConcurrentHashMap<>();
  private final Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  @BeforeEach
  void setUp() {
    blocked = LoggedEvents.blockedThreads();
    outside = Vertx.vertx();
    observability = Observability.fromEnvironment(Map.of());
    gatewayVertx = observability.vertxBuilder(new VertxOptions()).build();
    upstream = ScriptedServer.start(outside).on(HttpMethod.POST, "/v1/chat/completions", this::answer);
    List<String> streamed = new ArrayList<>();
    List<String> whole = new ArrayList<>();
    for (int lane = 0; lane < STREAMS + WHOLES; lane++) {
      (lane < STREAMS ? streamed : whole).add("lane-" + lane);
    }
    GatewayVerticle gateway = new GatewayVerticle(new GatewayOptions().setPort(0)
        .setMeterRegistry(observability.registry())
        .setUpstreamLimits(new UpstreamLimits(CONNECT, null, null, 0))
        .addProvider("streamed", new ClientOptions().setBaseUrl(upstream.baseUrl()).setIdleTimeout(STREAM_IDLE)
            .setTotalTimeout(STREAM_TOTAL), streamed)
        .addProvider("whole", new ClientOptions().setBaseUrl(upstream.baseUrl()).setTotalTimeout(WHOLE_TOTAL), whole));
    await(gatewayVertx.deployVerticle(gateway));
    port = gateway.actualPort();
    Logger accessLogger = (Logger) LoggerFactory.getLogger("io.g4f.server.access");
    accessLogger.setAdditive(false);
    access = LoggedEvents.on("io.g4f.server.access");
  }

  @AfterEach
  void tearDown() {
    ((Logger) LoggerFactory.getLogger("io.g4f.server.access")).setAdditive(true);
    access.close();
    blocked.close();
    await(gatewayVertx.close());
    observability.close();
    await(outside.close());
  }

  @Test
  void callersAndUpstreamFaultsLeaveNothingBehind() throws Exception {
    long started = System.nanoTime();
    runLanes(0, false);
    assertThat(violations).as("violations in the warm-up").isEmpty();
    awaitLogged(ids.get());
    awaitQuiet();
    forget();
    long heapBefore = heapAfterGc();
    // Loading classes on first use (the gateway's clients, Jackson, Netty) may hold a loop past the limit once on a
    // loaded machine: the soak is checked warm.
    int blockedInWarmUp = blocked.messages().size();
    blocked.messages().clear();

    int firstId = ids.get();
    long soakStarted = System.nanoTime();
    runLanes(TimeUnit.SECONDS.toNanos(SECONDS), true);
    long drained = System.nanoTime();
    int requests = ids.get() - firstId;
    Map<Fault, Integer> faults = new TreeMap<>();
    scenarios.values().forEach(s -> faults.merge(s.fault(), 1, Integer::sum));
    awaitLogged(requests);
    Map<Integer, List<Integer>> logged = new TreeMap<>();
    for (String line : access.messages()) {
      Matcher m = ACCESS.matcher(line);
      if (m.matches()) {
        logged.computeIfAbsent(Integer.parseInt(m.group(1)), id -> new ArrayList<>()).add(Integer.parseInt(m.group(2)));
      } else {
        violations.add("an access-log line of no soak request: " + line);
      }
    }
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    for (int id = firstId; id < firstId + requests; id++) {
      account(id, logged.getOrDefault(id, List.of()), counts, reasons);
    }
    List<Integer> inFlight = new ArrayList<>();
    await(get("/v1/providers")).getJsonArray("data").forEach(p -> ((JsonObject) p)
        .getJsonArray("targets", new JsonArray()).forEach(t -> inFlight.add(((JsonObject) t).getInteger("in_flight"))));
    Map<String, Double> gauges = awaitQuiet();
    int upstreamSockets = upstream.openConnections();
    forget();
    long heapAfter = heapAfterGc();

    System.out.println(String.join("; ",
        "Soak (seed " + SEED + ", " + SECONDS + " s, " + STREAMS + " streams and " + WHOLES
            + " whole answers at a time): " + requests + " requests, " + counts,
        "failures " + reasons,
        "faults " + faults,
        "upstream sockets open " + upstreamSockets,
        "gateway " + gauges,
        "targets in flight " + inFlight.stream().mapToInt(Integer::intValue).sum(),
        "heap after GC " + (heapBefore >> 20) + " MB after the warm-up, " + (heapAfter >> 20) + " MB at the end",
        "blocked-thread warnings " + blocked.messages().size() + " (" + blockedInWarmUp + " in the warm-up)",
        seconds(started, System.nanoTime()) + " s in all (warm-up " + seconds(started, soakStarted)
            + " s, soak and its last requests " + seconds(soakStarted, drained) + " s)"));
    assertThat(violations).as("violations (%s)", violations.size()).isEmpty();
    assertThat(counts.keySet()).as("every kind of end happened").contains("completed", "failed", "cancelled");
    assertThat(logged.keySet()).as("access-log entries of no request").allMatch(id -> id >= firstId);
    assertThat(upstreamSockets).as("upstream connections left open").isZero();
    assertThat(gauges).as("the gateway's Vert.x metrics")
        .allSatisfy((name, value) -> assertThat(value).as(name).isZero());
    assertThat(inFlight).as("routing targets' requests in flight").hasSize(STREAMS + WHOLES).containsOnly(0);
    assertThat(heapAfter).as("heap after GC, %d MB after the warm-up", heapBefore >> 20)
        .isLessThan(heapBefore + HEAP_MARGIN);
    assertThat(blocked.messages()).as("blocked-thread warnings").isEmpty();
  }

  /**
   * Accounts for request {@code id} in {@code counts} (by kind) and {@code reasons} (of failures): its caller saw it
   * end ({@link #outcomes}), the access log has it once with the status its caller got (499: none), and it reached
   * the upstream once (at most once when its caller left).
   */
  private void account(int id, List<Integer> logged, Map<String, Integer> counts, Map<String, Integer> reasons) {
    Outcome outcome = outcomes.get(id);
    Scenario scenario = scenarios.get("soak-" + id);
    if (outcome == null) {
      violations.add("soak-" + id + " (" + scenario + ") never ended for its caller");
      return;
    }
    counts.merge(outcome.kind().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
    if (outcome.kind() == Kind.FAILED) {
      reasons.merge(outcome.reason(), 1, Integer::sum);
    }
    int expected = outcome.status() == 0 ? AccessLog.CLIENT_CLOSED : outcome.status();
    if (!logged.equals(List.of(expected))) {
      violations.add("soak-" + id + " (" + scenario.fault() + ", " + outcome + ") is in the access log as " + logged
          + ", not once as " + expected);
    }
    int calls = upstreamCalls.getOrDefault(id, new AtomicInteger()).get();
    if (calls > 1 || calls == 0 && scenario.fault() != Fault.CALLER_LEAVES) {
      violations.add("soak-" + id + " (" + scenario.fault() + ") reached the upstream " + calls + " times");
    }
  }

  /**
   * Waits (at most 30 s) until nothing is open: the upstream's connections (the gateway's pool keeps an idle one for
   * the second the upstream's {@code keep-alive} header allows), the gateway's HTTP client pool and connections, its
   * server's connections and requests. Returns those gauges of the gateway's Vert.x, NaN for one that is not there.
   */
  private Map<String, Double> awaitQuiet() throws InterruptedException {
    waitUntil(() -> upstream.openConnections() == 0);
    Map<String, Double> gauges = new TreeMap<>();
    waitUntil(() -> {
      gauges.clear();
      for (String name : List.of("vertx.http.client.active.connections", "vertx.http.client.active.requests",
          "vertx.pool.in.use", "vertx.pool.queue.pending", "vertx.http.server.active.connections",
          "vertx.http.server.active.requests")) {
        var found = observability.registry().find(name).gauges();
        gauges.put(name, found.isEmpty() ? Double.NaN : found.stream().mapToDouble(Gauge::value).sum());
      }
      return gauges.values().stream().allMatch(value -> value == 0);
    });
    return gauges;
  }

  /** Waits (at most 30 s) until the access log has {@code requests} lines: a request is logged as it ends. */
  private void awaitLogged(int requests) throws InterruptedException {
    waitUntil(() -> access.messages().size() >= requests);
  }

  // ------------------------------------------------------------------ callers

  /** Runs every lane for {@code nanos} (0: one plain request each, the warm-up), {@code faulty} or not. */
  private void runLanes(long nanos, boolean faulty) throws Exception {
    long deadline = System.nanoTime() + nanos;
    callers = outside.createHttpClient(new HttpClientOptions(),
        new PoolOptions().setHttp1MaxSize(2 * (STREAMS + WHOLES)));
    Random seeds = new Random(SEED + (faulty ? 1 : 0));
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < STREAMS + WHOLES; lane++) {
      Lane running = new Lane(lane, lane < STREAMS, new Random(seeds.nextLong()), faulty, deadline);
      outside.getOrCreateContext().runOnContext(v -> outside.setTimer(1 + running.random.nextInt(1_000),
          start -> running.next()));
      lanes.add(running.done.future());
    }
    try {
      Future.all(lanes).toCompletionStage().toCompletableFuture()
          .get(TimeUnit.NANOSECONDS.toSeconds(nanos) + 2 * STREAM_TOTAL / 1000 + 30, TimeUnit.SECONDS);
    } finally {
      await(callers.close());
    }
  }

  /** One caller: its requests one after the other, until the deadline. */
  private final class Lane {

    final int lane;
    final boolean stream;
    final Random random;
    final boolean faulty;
    final long deadline;
    final Promise<Void> done = Promise.promise();
    int faultsInARow;

    Lane(int lane, boolean stream, Random random, boolean faulty, long deadline) {
      this.lane = lane;
      this.stream = stream;
      this.random = random;
      this.faulty = faulty;
      this.deadline = deadline;
    }

    void next() {
      Scenario scenario = scenario();
      scenarios.put("soak-" + scenario.id(), scenario);
      call(scenario).onComplete(ended -> {
        if (faulty && System.nanoTime() < deadline) {
          next();
        } else {
          done.complete();
        }
      });
    }

    private Scenario scenario() {
      Fault fault = Fault.NONE;
      if (faulty && faultsInARow < 2) {
        int roll = random.nextInt(100);
        fault = roll < 55 ? Fault.NONE : roll < 67 ? Fault.CALLER_LEAVES
            : Fault.values()[2 + (roll - 67) % (Fault.values().length - 2)];
      }
      faultsInARow = fault == Fault.NONE ? 0 : faultsInARow + 1;
      int count = stream ? 8 + random.nextInt(17) : 3 + random.nextInt(10);
      List<String> pieces = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        pieces.add(WORDS[random.nextInt(WORDS.length)] + (i == 0 ? lane + " " : ""));
      }
      int at = fault == Fault.CALLER_LEAVES ? 1 + random.nextInt(count - 1) : random.nextInt(count);
      long interval = faulty ? 200 + random.nextInt(301) : 5;
      long delay = faulty ? 1_000 + random.nextInt(3_001) : 5;
      return new Scenario(ids.getAndIncrement(), lane, stream, fault, pieces, at, interval, delay,
          100 + random.nextInt(501));
    }
  }

  /** Sends {@code s} as its caller does, and records how it ended; completes when it did. */
  private Future<Void> call(Scenario s) {
    Exchange exchange = new Exchange(s);
    JsonObject body = new JsonObject().put("model", s.model()).put("stream", s.stream())
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "soak " + s.id())));
    callers.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/v1/chat/completions").setIdleTimeout(HANG).putHeader("content-type", "application/json")
            .putHeader("x-request-id", "soak-" + s.id()))
        .onFailure(failure -> exchange.broken("no connection: " + failure))
        .onSuccess(request -> {
          exchange.request = request;
          if (!s.stream() && s.fault() == Fault.CALLER_LEAVES) {
            outside.setTimer(s.leaveAfter(), id -> exchange.leave());
          }
          request.send(body.toBuffer()).onComplete(sent -> {
            if (sent.failed()) {
              exchange.broken("no response: " + sent.cause());
            } else if (s.stream() && sent.result().statusCode() == 200) {
              exchange.read(sent.result());
            } else {
              HttpClientResponse response = sent.result();
              response.body().onComplete(read -> {
                if (read.failed()) {
                  exchange.broken("a body cut short: " + read.cause());
                } else {
                  exchange.whole(response, read.result().toString());
                }
              });
            }
          });
        });
    return exchange.ended.future();
  }

  /** One request as its caller sees it. */
  private final class Exchange {

    final Scenario s;
    final Promise<Void> ended = Promise.promise();
    final AtomicBoolean settled = new AtomicBoolean();
    HttpClientRequest request;
    int status;
    Buffer pending = Buffer.buffer();
    final StringBuilder text = new StringBuilder();
    int chunks;
    int errors;
    String error;
    boolean finished;
    boolean done;
    boolean afterDone;

    Exchange(Scenario s) {
      this.s = s;
    }

    /** Ends the exchange once with {@code outcome}, checked against what the scenario allows. */
    void end(Outcome outcome) {
      if (!settled.compareAndSet(false, true)) {
        return;
      }
      outcomes.put(s.id(), outcome);
      String wrong = check(outcome);
      if (wrong != null) {
        violations.add("soak-" + s.id() + " " + s.fault() + (s.stream() ? " stream" : " whole") + " at " + s.at()
            + ": " + wrong + " (" + outcome + ")");
      }
      ended.tryComplete();
    }

    private String check(Outcome outcome) {
      boolean midStream = s.stream() && s.at() > 0;
      return switch (s.fault()) {
        case NONE -> outcome.kind() == Kind.COMPLETED ? null : "a plain request did not complete";
        case CALLER_LEAVES -> outcome.kind() != Kind.FAILED ? null : "a caller who left got a failure";
        case STATUS_500, STATUS_503, RATE_LIMITED -> outcome.kind() == Kind.FAILED
            && outcome.status() == s.fault().status() ? null : "not failed with " + s.fault().status();
        default -> outcome.kind() != Kind.FAILED ? "a fault did not fail"
            : midStream ? (outcome.status() == 200 ? null : "a fault after the first chunk is no error event")
            : outcome.status() == s.fault().status() ? null : "not failed with " + s.fault().status();
      };
    }

    /** The caller leaves: closes its connection (before the status line, or after some chunks). */
    void leave() {
      if (!settled.get()) {
        end(new Outcome(Kind.CANCELLED, status, null));
        request.connection().close();
      }
    }

    /** The connection failed without the caller leaving: that is never right. */
    void broken(String why) {
      if (!settled.get()) {
        end(new Outcome(Kind.FAILED, status, "broken"));
        violations.add("soak-" + s.id() + " " + s.fault() + ": " + why);
      }
    }

    /** A whole answer, or an error status of either kind. */
    void whole(HttpClientResponse response, String body) {
      status = response.statusCode();
      if (status == 200 && !s.stream()) {
        String content;
        try {
          content = new JsonObject(body).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
              .getString("content");
        } catch (RuntimeException unreadable) {
          content = null;
        }
        if (!s.text().equals(content) || !"whole".equals(response.getHeader(HttpExchange.PROVIDER_HEADER))) {
          violations.add("soak-" + s.id() + ": a whole answer other than the upstream's: " + body);
        }
        end(new Outcome(Kind.COMPLETED, status, null));
      } else if (status >= 400 && errorShaped(body)) {
        String type = new JsonObject(body).getJsonObject("error").getString("type");
        end(new Outcome(Kind.FAILED, status, status + " " + type));
      } else {
        end(new Outcome(Kind.FAILED, status, "unexpected"));
        violations.add("soak-" + s.id() + ": status " + status + " with " + body);
      }
    }

    /** A stream: its events as they come; the caller of a {@link Fault#CALLER_LEAVES} leaves after its chunks. */
    void read(HttpClientResponse response) {
      status = 200;
      response.exceptionHandler(failure -> broken("the stream broke: " + failure));
      response.handler(bytes -> {
        pending.appendBuffer(bytes);
        int end;
        while (!settled.get() && (end = eventEnd(pending)) >= 0) {
          event(pending.getString(0, end, "UTF-8"));
          pending = pending.getBuffer(end + 2, pending.length());
          if (s.fault() == Fault.CALLER_LEAVES && chunks == s.at()) {
            leave();
          }
        }
      });
      response.endHandler(v -> streamEnded());
    }

    private void event(String event) {
      if (done) {
        afterDone = true;
      } else if (event.equals("data: [DONE]")) {
        done = true;
      } else if (!event.startsWith("data: ")) {
        violations.add("soak-" + s.id() + ": not an SSE data event: " + event);
      } else {
        JsonObject json;
        JsonObject choice;
        try {
          json = new JsonObject(event.substring(6));
          choice = json.containsKey("error") ? null : json.getJsonArray("choices").getJsonObject(0);
        } catch (RuntimeException unreadable) {
          violations.add("soak-" + s.id() + ": an event that is neither a chunk nor an error: " + event);
          return;
        }
        if (choice == null) {
          errors++;
          error = errorShaped(json.encode()) ? json.getJsonObject("error").getString("type") : "unshaped error";
        } else {
          if (errors > 0) {
            violations.add("soak-" + s.id() + ": a chunk after an error event");
          }
          chunks++;
          JsonObject delta = choice.getJsonObject("delta");
          String content = delta == null ? null : delta.getString("content");
          text.append(content == null ? "" : content);
          finished |= choice.getValue("finish_reason") != null;
        }
      }
    }

    /** A stream that ended: complete (its text, a finish reason, {@code [DONE]}), or one error then {@code [DONE]}. */
    private void streamEnded() {
      if (settled.get()) {
        return;
      }
      if (pending.length() > 0 || !done || afterDone) {
        end(new Outcome(Kind.FAILED, status, "unended"));
        violations.add("soak-" + s.id() + ": a stream that did not end with [DONE] (" + chunks + " chunks, "
            + errors + " errors, rest '" + pending.toString() + "'" + ")");
      } else if (errors == 0) {
        if (!finished || !s.text().contentEquals(text)) {
          violations.add("soak-" + s.id() + ": a stream passed off as complete with " + chunks + " chunks, finished "
              + finished + ", text '" + text + "' of '" + s.text() + "'");
        }
        end(new Outcome(Kind.COMPLETED, status, null));
      } else {
        if (errors > 1 || finished || !String.join("", s.pieces().subList(0, s.at())).contentEquals(text)) {
          violations.add("soak-" + s.id() + ": a failed stream with " + errors + " error events, finished " + finished
              + ", text '" + text + "' where the upstream sent '" + String.join("", s.pieces().subList(0, s.at()))
              + "'");
        }
        end(new Outcome(Kind.FAILED, status, "error event " + error));
      }
    }
  }

  /** Where the first event in {@code bytes} ends (its blank line), or -1: events are split as bytes, then decoded. */
  private static int eventEnd(Buffer bytes) {
    for (int i = 0; i + 1 < bytes.length(); i++) {
      if (bytes.getByte(i) == '\n' && bytes.getByte(i + 1) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static boolean errorShaped(String body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      return error != null && error.fieldNames().containsAll(List.of("message", "type", "param", "code"))
          && !error.getString("message", "").isBlank();
    } catch (RuntimeException notJson) {
      return false;
    }
  }

  // ------------------------------------------------------------------ upstream

  /** Answers a request as its scenario says. */
  private void answer(HttpServerRequest request) {
    upstream.received().clear();
    Scenario s = scenarios.get(String.valueOf(request.getHeader("x-request-id")));
    if (s == null) {
      violations.add("the upstream got a request of no scenario: " + request.getHeader("x-request-id"));
      request.response().setStatusCode(400).end();
      return;
    }
    upstreamCalls.computeIfAbsent(s.id(), id -> new AtomicInteger()).incrementAndGet();
    HttpServerResponse response = request.response().putHeader("keep-alive", "timeout=1");
    switch (s.fault()) {
      case STATUS_500, STATUS_503 -> later(s, response, r -> r.setStatusCode(s.fault() == Fault.STATUS_500 ? 500 : 503)
          .putHeader("content-type", "application/json").end("{\"error\":{\"message\":\"upstream trouble\"}}"));
      case RATE_LIMITED -> later(s, response, r -> r.setStatusCode(429).putHeader("retry-after", "1")
          .putHeader("content-type", "application/json")
          .end("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}"));
      default -> {
        if (s.stream()) {
          stream(s, request, response);
        } else {
          whole(s, request, response);
        }
      }
    }
  }

  private void later(Scenario s, HttpServerResponse response, io.vertx.core.Handler<HttpServerResponse> action) {
    outside.setTimer(s.stream() ? 1 : s.delay(), id -> {
      if (!response.closed()) {
        action.handle(response);
      }
    });
  }

  private void whole(Scenario s, HttpServerRequest request, HttpServerResponse response) {
    String completion = new JsonObject().put("id", "chatcmpl-soak-" + s.id()).put("object", "chat.completion")
        .put("created", 1).put("model", s.model())
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
            .put("message", new JsonObject().put("role", "assistant").put("content", s.text()))
            .put("finish_reason", "stop")))
        .put("usage", new JsonObject().put("prompt_tokens", 3).put("completion_tokens", s.pieces().size())
            .put("total_tokens", 3 + s.pieces().size())).encode();
    outside.setTimer(s.fault() == Fault.CALLER_LEAVES ? HELD : s.delay(), id -> {
      if (response.closed()) {
        return;
      }
      if (s.fault() == Fault.CALLER_LEAVES && outcomes.containsKey(s.id())
          && outcomes.get(s.id()).kind() == Kind.CANCELLED) {
        violations.add("soak-" + s.id() + ": the upstream request of a caller who left was not cancelled after "
            + HELD + " ms");
      }
      response.putHeader("content-type", "application/json");
      String half = completion.substring(0, completion.length() / 2);
      switch (s.fault()) {
        case RESET -> {
          response.setChunked(true).write(half);
          outside.setTimer(20, later -> request.connection().close());
        }
        case SILENCE -> response.setChunked(true).writeHead();
        case TRUNCATED -> response.end(half);
        case MALFORMED_JSON -> response.end("{\"id\":\"x\",\"choices\":[{\"message\":");
        default -> response.end(completion);
      }
    });
  }

  private void stream(Scenario s, HttpServerRequest request, HttpServerResponse response) {
    response.setChunked(true).putHeader("content-type", "text/event-stream").writeHead();
    int[] next = {0};
    outside.setPeriodic(s.interval(), s.interval(), timer -> {
      if (response.closed()) {
        outside.cancelTimer(timer);
        return;
      }
      boolean faultNow = next[0] == s.at() && s.fault() != Fault.NONE && s.fault() != Fault.CALLER_LEAVES;
      if (faultNow) {
        outside.cancelTimer(timer);
        switch (s.fault()) {
          case RESET -> request.connection().close();
          case TRUNCATED -> response.end();
          case MALFORMED_JSON -> response.end("data: {\"id\":\"x\",\"choices\":[{\"delta\":\n\ndata: [DONE]\n\n");
          default -> { } // SILENCE: nothing more
        }
      } else if (next[0] < s.pieces().size()
          || s.fault() == Fault.CALLER_LEAVES && (next[0] - s.pieces().size()) * s.interval() < HELD) {
        // A stream whose caller leaves goes on (repeating its last piece) until the gateway cancels it.
        JsonObject delta = new JsonObject().put("content", s.pieces().get(Math.min(next[0], s.pieces().size() - 1)));
        if (next[0] == 0) {
          delta.put("role", "assistant");
        }
        response.write(chunk(s, delta, null));
        next[0]++;
      } else {
        if (s.fault() == Fault.CALLER_LEAVES) {
          violations.add("soak-" + s.id() + ": the upstream stream of a caller who left was not cancelled after "
              + HELD + " ms more");
        }
        outside.cancelTimer(timer);
        response.end(chunk(s, new JsonObject(), "stop") + "data: [DONE]\n\n");
      }
    });
  }

  private static String chunk(Scenario s, JsonObject delta, String finish) {
    return "data: " + new JsonObject().put("id", "chatcmpl-soak-" + s.id()).put("object", "chat.completion.chunk")
        .put("created", 1).put("model", s.model()).put("choices", new JsonArray().add(new JsonObject()
            .put("index", 0).put("delta", delta).put("finish_reason", finish))).encode() + "\n\n";
  }

  // ------------------------------------------------------------------ helpers

  /** Drops what the test itself holds of the requests so far, so that the heap measures the gateway. */
  private void forget() {
    scenarios.clear();
    upstreamCalls.clear();
    outcomes.clear();
    access.messages().clear();
    upstream.received().clear();
  }

  private Future<JsonObject> get(String path) {
    HttpClient once = outside.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    return once.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(request -> request.send().compose(response -> response.body()))
        .map(Buffer::toJsonObject)
        .eventually(once::close);
  }

  private static long heapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static long seconds(long from, long to) {
    return TimeUnit.NANOSECONDS.toSeconds(to - from);
  }

  /** Waits until {@code condition} holds, at most 30 s; whether it does. */
  private static boolean waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }
}
