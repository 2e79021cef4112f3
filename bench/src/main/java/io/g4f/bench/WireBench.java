package io.g4f.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The load generator of {@code bench/run.sh}: a process of its own that measures the upstream directly
 * and each gateway in front of it (all separate processes on 127.0.0.1), and prints one table of
 * ratios, headed by the gateway's JVM flags (from its command line). Phases: a warm-up per target, its
 * first requests, whose rate per second gives the time to a steady rate; then, each target in turn after
 * a short re-warm, whole answers and streams from {@code --connections} callers in a closed loop, long
 * whole answers; one request at a time (the targets taking turns); time to first token on a raw keep-alive
 * socket (no {@code accept-encoding}, so nothing is compressed) and through Node's {@code fetch}
 * ({@code bench/ttft.mjs}, its default {@code accept-encoding}); and last, {@code --open-streams} and then
 * {@code --concurrent-streams} slow streams held open at once ({@link #hold}), both also through the gateway's
 * provider {@code --h2c-provider} when one is named (the same upstream, spoken to in h2c), of which the concurrent
 * ones are reported. CPU per request and
 * resident memory are read from {@code /proc/<pid>} of each process named by {@code --*-pid}. Every
 * phase is bounded in time; the process exits by itself.
 *
 * <p>Run: {@code java -cp g4f-bench.jar io.g4f.bench.WireBench --direct=PORT --gateway=PORT [...]};
 * {@code --help} lists the settings.
 */
public final class WireBench {

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("direct", "");           // the upstream's port
    DEFAULTS.put("direct-pid", "");       // the upstream's pid (its CPU and RSS, for reference)
    DEFAULTS.put("gateway", "");          // the g4f gateway's port
    DEFAULTS.put("gateway-pid", "");
    DEFAULTS.put("peer", "");             // name:port of a peer gateway, e.g. portkey:8787
    DEFAULTS.put("peer-pid", "");
    DEFAULTS.put("peer-headers", "");     // headers the peer needs, "name: value|name: value"
    DEFAULTS.put("warmup", "30");         // seconds of mixed load per target before the first phase
    DEFAULTS.put("phase-warmup", "3");    // seconds of a phase's own load per target before it is measured
    DEFAULTS.put("seconds", "10");        // measured seconds per phase and target
    DEFAULTS.put("connections", "50");    // callers at once in the rate phases
    DEFAULTS.put("tokens", "20");         // tokens of each answer
    DEFAULTS.put("long-tokens", "500");   // tokens of each long whole answer
    DEFAULTS.put("open-streams", "1000"); // slow streams held open at once to read RSS with them open
    DEFAULTS.put("concurrent-streams", "10000"); // slow streams held open at once to count errors
    DEFAULTS.put("h2c-provider", "");     // the gateway's provider that speaks h2c to the upstream (none: not held)
    DEFAULTS.put("node", "");             // a node (18+) binary for the Node fetch time to first token (none: skipped)
    DEFAULTS.put("node-ttft", "");        // the path of bench/ttft.mjs
    DEFAULTS.put("clk-tck", "100");       // getconf CLK_TCK: the unit of utime/stime in /proc/<pid>/stat
    DEFAULTS.put("out", "");              // folder for results.tsv and latency.dat (none: not written)
  }

  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(5);
  private static final int MAX_ERRORS = 1000;
  /** Streams per source address (127.0.0.2, .3, ...) when many are held open, well within the ephemeral ports. */
  private static final int STREAMS_PER_ADDRESS = 2000;
  /** Streams being opened at once (sent, first chunk not yet read) while many are opened. */
  private static final int OPEN_WINDOW = 500;
  /** How long the held streams stay open once all are, before RSS is read and they are closed. */
  private static final long HOLD_MILLIS = 2000;
  /**
   * How long a target has the caller to itself in the one-at-a-time phases before the next one's turn. Turns rather
   * than request by request, so that a slow target (a peer that takes 30 ms a stream) does not leave the others' sockets
   * and threads idle between their requests: each target is measured back to back, as without it, and drift on the
   * machine still hits all of them alike.
   */
  private static final long BLOCK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  /** Interval between the tokens of a held stream. */
  private static final long HELD_TOKEN_MILLIS = 1000;

  /** A process answering chat requests on a port. */
  record Target(String name, int port, long pid, Map<String, String> headers) {}

  /** What one rate phase measured for one target. */
  record Rate(double perSecond, Histogram latency, long errors, double cpuMicrosPerRequest) {}

  /**
   * What holding {@code count} slow streams open at once through one target measured: {@code errors}
   * streams were not open (failed, or not open in time) when they were released; {@code openSeconds} from
   * the first request until every stream was open or had failed (NaN if some were neither in time); the
   * target's RSS and open descriptors with them open.
   */
  record Held(int count, long errors, String firstError, double openSeconds, double rssMiB, double descriptors) {}

  private final Map<String, String> settings;
  private final List<Target> targets = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final LoadClient client;
  private final Map<String, Map<String, String>> table = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<String, long[]> serialPercentiles = new LinkedHashMap<>();
  private final Map<String, long[]> ttftPercentiles = new LinkedHashMap<>();
  private final Map<String, Long> errors = new LinkedHashMap<>();
  private final Map<String, String> firstErrors = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  private WireBench(Map<String, String> settings) {
    this.settings = settings;
    targets.add(new Target("direct", port("direct"), pid("direct-pid"), Map.of()));
    targets.add(new Target("gateway", port("gateway"), pid("gateway-pid"), Map.of()));
    if (!settings.get("peer").isEmpty()) {
      String[] peer = settings.get("peer").split(":");
      Map<String, String> headers = new LinkedHashMap<>();
      for (String header : settings.get("peer-headers").split("\\|")) {
        int colon = header.indexOf(':');
        if (colon > 0) {
          headers.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
      }
      targets.add(new Target(peer[0], Integer.parseInt(peer[1]), pid("peer-pid"), headers));
    }
    client = new LoadClient(vertx, (int) number("connections") + 16);
    targets.forEach(target -> client.headers(target.port(), target.headers()));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> settings = new LinkedHashMap<>(DEFAULTS);
    for (String arg : args) {
      String[] pair = arg.replaceFirst("^--", "").split("=", 2);
      if (!DEFAULTS.containsKey(pair[0]) || pair.length != 2) {
        System.out.println("Usage: WireBench --direct=PORT --gateway=PORT [--name=value ...], settings and defaults: "
            + DEFAULTS);
        System.exit(pair[0].equals("help") ? 0 : 2);
      }
      settings.put(pair[0], pair[1]);
    }
    WireBench bench = new WireBench(settings);
    int status = 1;
    try {
      bench.run();
      status = bench.failures.isEmpty() ? 0 : 1;
    } finally {
      bench.failures.forEach(failure -> System.out.println("FAILED: " + failure));
      bench.vertx.close().await(10, TimeUnit.SECONDS);
    }
    System.exit(status);
  }

  private void run() throws IOException {
    log("settings: " + settings);
    Map<String, Double> steady = new LinkedHashMap<>();
    for (Target target : targets) {
      steady.put(target.name(), warmUp(target));
    }
    int tokens = (int) number("tokens");
    int connections = (int) number("connections");
    Map<String, Rate> whole = rates("whole answers", LoadClient.chatRequest(ScriptedUpstream.model(tokens, 0), false), false);
    Map<String, Rate> streams = rates("streams", LoadClient.chatRequest(ScriptedUpstream.model(tokens, 0), true), true);
    int longTokens = (int) number("long-tokens");
    Map<String, Rate> longWhole = rates(longTokens + "-token whole answers",
        LoadClient.chatRequest(ScriptedUpstream.model(longTokens, 0), false), false);
    Map<String, Histogram> serial = serial();
    Map<String, Histogram> ttft = timeToFirstToken();
    Map<String, double[]> nodeTtft = nodeTimeToFirstToken();
    Map<String, Double> rssAfterLoad = new LinkedHashMap<>();
    targets.forEach(target -> rssAfterLoad.put(target.name(), rssMiB(target.pid())));
    int open = (int) number("open-streams");
    Map<String, Held> held = new LinkedHashMap<>();
    targets.forEach(target -> held.put(target.name(), hold(target, open)));
    held.forEach((target, h) -> countErrors(target, h.errors(), h.firstError()));
    int concurrent = (int) number("concurrent-streams");
    Map<String, Held> many = new LinkedHashMap<>();
    targets.forEach(target -> many.put(target.name(), hold(target, concurrent)));
    Held h2c = settings.get("h2c-provider").isEmpty() ? null : holdThroughH2c(open, concurrent);

    row("whole answers, " + connections + " conn (req/s)", "ratio", ">= 0.6", target -> whole.get(target).perSecond());
    row("streams, " + connections + " conn (req/s)", "ratio", ">= 0.6", target -> streams.get(target).perSecond());
    row(longTokens + "-token whole, " + connections + " conn (req/s)", "ratio", ">= 0.6",
        target -> longWhole.get(target).perSecond());
    row("one at a time, p50 (us)", "added", "<= +100 us", target -> p50(serial.get(target)));
    row("one at a time, mean (us)", "added", "", target -> serial.get(target).getTotalCount() == 0 ? Double.NaN : serial.get(target).getMean() / 1e3);
    row("time to first token, raw socket, p50 (us)", "added", "<= +300 us",
        target -> p50(ttft.get(target)));
    if (nodeTtft != null) {
      row("time to first token, Node fetch, p50 (us)", "added", "<= +300 us", target -> nodeTtft.get(target)[0]);
    }
    row("RSS after load (MiB)", "times", "<= 200 MiB", rssAfterLoad::get);
    row(String.format(Locale.ROOT, "RSS with %,d open streams (MiB)", open), "times", "<= 200 MiB",
        target -> held.get(target).rssMiB());
    row(String.format(Locale.ROOT, "%,d concurrent streams: errors", concurrent), "none", "0",
        target -> (double) many.get(target).errors());
    row(String.format(Locale.ROOT, "%,d concurrent streams: open all (s)", concurrent), "times", "",
        target -> many.get(target).openSeconds());
    row(String.format(Locale.ROOT, "%,d concurrent streams: descriptors", concurrent), "times", "",
        target -> many.get(target).descriptors());
    if (h2c != null) {
      row(String.format(Locale.ROOT, "%,d concurrent streams, h2c upstream: errors", concurrent), "none", "0",
          target -> target.equals("gateway") ? h2c.errors() : Double.NaN);
      row(String.format(Locale.ROOT, "%,d concurrent streams, h2c upstream: open all (s)", concurrent), "times", "",
          target -> target.equals("gateway") ? h2c.openSeconds() : Double.NaN);
      row(String.format(Locale.ROOT, "%,d concurrent streams, h2c upstream: descriptors", concurrent), "times", "",
          target -> target.equals("gateway") ? h2c.descriptors() : Double.NaN);
    }
    row("time to steady rate (s)", "added s", "<= 20 s", steady::get);
    row("CPU per whole answer, " + connections + " conn (us)", "times", "", target -> whole.get(target).cpuMicrosPerRequest());
    row("CPU per stream, " + connections + " conn (us)", "times", "", target -> streams.get(target).cpuMicrosPerRequest());
    row("errors (all other phases)", "none", "0", target -> (double) errors.getOrDefault(target, 0L));
    printTable();
    errors.forEach((target, count) -> failures.add(target + ": " + count + " errors (all other phases), the first: "
        + firstErrors.get(target)));
    if (h2c != null) {
      many.put(h2cGateway().name(), h2c);
    }
    many.forEach((target, h) -> {
      if (h.errors() > 0) {
        failures.add(String.format(Locale.ROOT, "%s, %,d concurrent streams: %d errors, the first: %s", target,
            h.count(), h.errors(), h.firstError()));
      }
    });
    write();
  }

  // ---- phases

  /**
   * Mixed load (whole, streamed and long whole answers) for {@code --warmup} seconds, the target's first
   * requests; logs the rate per second and returns the time to a steady rate ({@link #timeToSteady}).
   */
  private double warmUp(Target target) {
    int seconds = (int) number("warmup");
    if (seconds <= 0) {
      return Double.NaN;
    }
    int tokens = (int) number("tokens");
    Buffer[] bodies = {LoadClient.chatRequest(ScriptedUpstream.model(tokens, 0), false),
        LoadClient.chatRequest(ScriptedUpstream.model(tokens, 0), true),
        LoadClient.chatRequest(ScriptedUpstream.model((int) number("long-tokens"), 0), false)};
    long[] done = new long[seconds];
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    long[] failed = {0};
    onClient(() -> {
      List<Future<Void>> callers = new ArrayList<>();
      for (int c = 0; c < number("connections"); c++) {
        int caller = c;
        callers.add(loop(deadline, failed, i -> {
          Buffer body = bodies[(caller + i) % 3];
          Future<?> call = (caller + i) % 3 == 1 ? client.stream(target.port(), body, null, null)
              : client.complete(target.port(), body);
          return call.onComplete(result -> {
            long second = (System.nanoTime() - start) / 1_000_000_000L;
            if (result.failed()) {
              countErrors(target.name(), 1, result.cause());
            } else if (second < seconds) {
              done[(int) second]++;
            }
          });
        }));
      }
      return Future.all(callers).mapEmpty();
    }, seconds + 60, "warm-up " + target.name());
    double steady = timeToSteady(done);
    log(String.format("warm-up %s: %d s, requests/s per second: %s; errors %d; steady rate (within 10%% of the last"
        + " quarter's mean) from second %s", target.name(), seconds, java.util.Arrays.toString(done), failed[0],
        format(steady)));
    return steady;
  }

  /**
   * The second from which every 1 s bucket stays within 10% of the final steady rate, the mean of the
   * last quarter of the buckets; +Infinity when the last bucket itself is off it, NaN without requests.
   */
  static double timeToSteady(long[] perSecond) {
    int tail = Math.max(1, (perSecond.length + 3) / 4);
    double steady = java.util.Arrays.stream(perSecond, perSecond.length - tail, perSecond.length).average().orElse(0);
    if (steady == 0) {
      return Double.NaN;
    }
    int from = perSecond.length;
    while (from > 0 && Math.abs(perSecond[from - 1] - steady) <= 0.1 * steady) {
      from--;
    }
    return from == perSecond.length ? Double.POSITIVE_INFINITY : from;
  }

  /** One closed-loop rate phase: every target in turn, re-warmed with the same load first. */
  private Map<String, Rate> rates(String phase, Buffer body, boolean stream) {
    Map<String, Rate> rates = new LinkedHashMap<>();
    for (Target target : targets) {
      rate(target, body, stream, number("phase-warmup"));
      Rate rate = rate(target, body, stream, number("seconds"));
      rates.put(target.name(), rate);
      log(String.format("%s, %s: %.0f req/s, p50 %.0f us, p99 %.0f us, CPU %.0f us/req, errors %d", phase, target.name(),
          rate.perSecond(), rate.latency().getValueAtPercentile(50) / 1e3, rate.latency().getValueAtPercentile(99) / 1e3,
          rate.cpuMicrosPerRequest(), rate.errors()));
    }
    return rates;
  }

  private Rate rate(Target target, Buffer body, boolean stream, long seconds) {
    Histogram latency = histogram();
    long[] failed = {0};
    long cpu = cpuTicks(target.pid());
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    onClient(() -> {
      List<Future<Void>> callers = new ArrayList<>();
      for (int c = 0; c < number("connections"); c++) {
        callers.add(loop(deadline, failed, i -> (stream
            ? client.stream(target.port(), body, null, null).map(timing -> {
              if (timing.chunks() == 0) {
                throw new IllegalStateException("a stream without chunks");
              }
              return timing.totalNanos();
            })
            : client.complete(target.port(), body))
            .onSuccess(nanos -> latency.recordValue(Math.min(MAX_NANOS, nanos)))
            .onFailure(e -> countErrors(target.name(), 1, e))));
      }
      return Future.all(callers).mapEmpty();
    }, seconds + 60, target.name());
    double elapsed = (System.nanoTime() - start) / 1e9;
    long count = latency.getTotalCount();
    double cpuMicros = target.pid() > 0 ? (cpuTicks(target.pid()) - cpu) * 1e6 / number("clk-tck") / Math.max(1, count)
        : Double.NaN;
    return new Rate(count / elapsed, latency, failed[0], cpuMicros);
  }

  /** Whole answers one at a time, the targets taking turns in {@link #BLOCK_NANOS} blocks ({@link #inTurn}). */
  private Map<String, Histogram> serial() {
    Buffer body = LoadClient.chatRequest(ScriptedUpstream.model((int) number("tokens"), 0), false);
    Map<String, Histogram> times = new LinkedHashMap<>();
    for (long seconds : new long[] {number("phase-warmup"), number("seconds") * targets.size()}) {
      targets.forEach(target -> times.put(target.name(), histogram()));
      long start = System.nanoTime();
      long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
      long[] failed = {0};
      onClient(() -> loop(deadline, failed, i -> {
        Target target = inTurn(start, targets);
        return client.complete(target.port(), body)
            .onFailure(e -> countErrors(target.name(), 1, e))
            .onSuccess(nanos -> times.get(target.name()).recordValue(Math.min(MAX_NANOS, nanos)));
      }), seconds + 60, "one at a time");
    }
    times.forEach((name, h) -> {
      serialPercentiles.put(name, percentiles(h));
      log(String.format("one at a time, %s: %d requests, p50 %.0f p90 %.0f p99 %.0f us", name, h.getTotalCount(),
          h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3));
    });
    return times;
  }

  /**
   * Streams one at a time on one raw keep-alive socket per target, the targets taking turns ({@link #inTurn}): time to
   * the first content token.
   */
  private Map<String, Histogram> timeToFirstToken() {
    // every request on the same socket, the answer read to its end before the next
    byte[] body = LoadClient.chatRequest(ScriptedUpstream.model((int) number("tokens"), 0), true).getBytes();
    Map<String, Histogram> times = new LinkedHashMap<>();
    Map<String, RawConnection> connections = new LinkedHashMap<>();
    Map<String, Integer> failed = new LinkedHashMap<>();
    try {
      for (long seconds : new long[] {number("phase-warmup"), number("seconds") * targets.size()}) {
        targets.forEach(target -> times.put(target.name(), histogram()));
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
          List<Target> live = targets.stream().filter(target -> failed.getOrDefault(target.name(), 0) < 10).toList();
          if (live.isEmpty()) {
            break;
          }
          Target target = inTurn(start, live);
          try {
            RawConnection connection = connections.get(target.name());
            if (connection == null || connection.closed) {
              connection = new RawConnection(target);
              connections.put(target.name(), connection);
            }
            times.get(target.name()).recordValue(Math.min(MAX_NANOS, connection.firstToken(body)));
          } catch (IOException e) {
            // a peer may close an idle keep-alive connection between phases: reconnect, give up after 10
            Optional.ofNullable(connections.remove(target.name())).ifPresent(RawConnection::close);
            failed.merge(target.name(), 1, Integer::sum);
            countErrors(target.name(), 1, "time to first token, raw socket: " + e);
          }
        }
      }
    } finally {
      connections.values().forEach(RawConnection::close);
    }
    times.forEach((name, h) -> {
      ttftPercentiles.put(name, percentiles(h));
      log(String.format("time to first token, %s: %d streams, p50 %.0f p90 %.0f p99 %.0f us", name, h.getTotalCount(),
          h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3));
    });
    return times;
  }

  /**
   * Streams one at a time through Node's built-in {@code fetch} ({@code bench/ttft.mjs}, run by
   * {@code --node}): the targets taking turns, first a warm-up of {@code --phase-warmup} seconds or more, until
   * every target's p50 is steady (at most {@code --warmup} seconds), then as long as the raw-socket phase.
   * Returns p50/p90/p99 in µs per target, or null when no node was given.
   */
  private Map<String, double[]> nodeTimeToFirstToken() {
    if (settings.get("node").isEmpty()) {
      notes.add("time to first token, Node fetch: skipped, no node 18+ (with its built-in fetch) was found");
      return null;
    }
    JsonArray list = new JsonArray();
    targets.forEach(target -> list.add(new JsonObject().put("name", target.name())
        .put("url", "http://127.0.0.1:" + target.port() + "/v1/chat/completions")
        .put("headers", new JsonObject(new LinkedHashMap<>(target.headers())))));
    // Node's JIT starts cold here, and the targets first see fetch's requests: warm up until steady, up to --warmup
    long maxWarmup = Math.max(number("phase-warmup"), number("warmup"));
    long seconds = maxWarmup + number("seconds") * targets.size();
    JsonObject config = new JsonObject().put("targets", list).put("warmupSeconds", number("phase-warmup"))
        .put("maxWarmupSeconds", maxWarmup).put("seconds", number("seconds") * targets.size())
        .put("body", LoadClient.chatRequest(ScriptedUpstream.model((int) number("tokens"), 0), true).toJsonObject());
    Process node;
    try {
      node = new ProcessBuilder(settings.get("node"), settings.get("node-ttft"), config.encode())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      notes.add("time to first token, Node fetch: skipped, " + settings.get("node") + " did not start: " + e);
      return null;
    }
    Map<String, double[]> times = new LinkedHashMap<>();
    targets.forEach(target -> times.put(target.name(), new double[] {Double.NaN, Double.NaN, Double.NaN}));
    try {
      if (!node.waitFor(seconds + 90, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      JsonObject result = new JsonObject(out.isEmpty() ? "{}" : out.substring(out.lastIndexOf('\n') + 1));
      JsonObject perTarget = result.getJsonObject("targets", new JsonObject());
      String noResult = "ttft.mjs gave no result (exit " + (node.isAlive() ? "none" : node.exitValue()) + ")";
      if (perTarget.isEmpty()) {
        failures.add("time to first token, Node fetch: " + noResult + ", its log is above the table");
        return times;
      }
      for (Target target : targets) {
        JsonObject t = perTarget.getJsonObject(target.name(), new JsonObject().put("errors", 1).put("firstError", noResult));
        double[] p = times.get(target.name());
        for (int q = 0; q < 3; q++) {
          p[q] = Optional.ofNullable(t.getDouble(new String[] {"p50", "p90", "p99"}[q])).orElse(Double.NaN);
        }
        if (t.getLong("errors", 0L) > 0) {
          countErrors(target.name(), t.getLong("errors"), "time to first token, Node fetch: " + t.getString("firstError"));
        }
        log(String.format(Locale.ROOT, "time to first token, Node fetch, %s: %d streams, p50 %.0f p90 %.0f p99 %.0f us,"
            + " content-encoding: %s", target.name(), t.getLong("count", 0L), p[0], p[1], p[2], t.getString("encoding")));
      }
      JsonObject warmup = result.getJsonObject("warmup", new JsonObject());
      log("time to first token, Node fetch, warm-up p50 per window of two turns a target (us): "
          + warmup.getJsonObject("windowP50s"));
      notes.add(String.format("time to first token, Node fetch: node %s (undici %s), fetch's default headers"
          + " (accept-encoding: gzip, deflate); content-encoding answered: %s; warmed up %d s, %s",
          result.getString("node", "?"), result.getString("undici", "?"), perTarget.stream()
              .map(e -> e.getKey() + " " + ((JsonObject) e.getValue()).getString("encoding")).toList(),
          warmup.getLong("seconds", 0L), warmup.getBoolean("steady", false) ? "until steady"
              : "not steady by then (a p50 still moved more than 5% from three windows to the next three)"));
    } catch (IOException e) {
      failures.add("time to first token, Node fetch: " + e);
    } catch (InterruptedException e) {
      node.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return times;
  }

  /**
   * {@code concurrent} streams held open through the gateway's h2c provider, after {@code open} of them: the open
   * streams phase, as on the HTTP/1.1 path, warms the h2c path up.
   */
  private Held holdThroughH2c(int open, int concurrent) {
    hold(h2cGateway(), open);
    return hold(h2cGateway(), concurrent);
  }

  /**
   * The gateway, asked for its provider {@code --h2c-provider} (the {@code x-g4f-provider} header), which speaks
   * HTTP/2 with prior knowledge to the upstream: one descriptor per caller stream instead of two.
   */
  private Target h2cGateway() {
    Target gateway = targets.get(1);
    return new Target("gateway, h2c upstream", gateway.port(), gateway.pid(),
        Map.of("x-g4f-provider", settings.get("h2c-provider")));
  }

  /**
   * Holds {@code count} slow streams open at once through the target (the upstream trickles a token per
   * {@value #HELD_TOKEN_MILLIS} ms): opens them {@value #OPEN_WINDOW} at a time (a stream is open once its
   * first chunk is read; each one open, or failed, lets the next one start), from source addresses
   * 127.0.0.2, .3, ... ({@value #STREAMS_PER_ADDRESS} each, a connection per stream), within 30 s + 6 ms a
   * stream. Once all are open, or that time is up, it keeps them {@value #HOLD_MILLIS} ms more, reads the
   * target's RSS and open descriptors, and closes them: a stream that was not open then, or failed, is an error.
   */
  private Held hold(Target target, int count) {
    if (count <= 0) {
      return new Held(0, 0, null, Double.NaN, Double.NaN, Double.NaN);
    }
    long openMillis = 30_000 + 6L * count;
    Buffer body = LoadClient.chatRequest(ScriptedUpstream.model(
        (int) ((openMillis + HOLD_MILLIS) / HELD_TOKEN_MILLIS + 30), HELD_TOKEN_MILLIS), true);
    List<LoadClient> clients = new ArrayList<>();
    for (int k = 0; k * STREAMS_PER_ADDRESS < count; k++) {
      clients.add(new LoadClient(vertx, STREAMS_PER_ADDRESS, "127.0.0." + (2 + k)).headers(target.port(), target.headers()));
    }
    AtomicInteger open = new AtomicInteger();
    AtomicInteger settled = new AtomicInteger();
    AtomicLong lastSettled = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicBoolean released = new AtomicBoolean();
    int[] started = {0};
    long start = System.nanoTime();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (released.get() || started[0] == count) {
        return;
      }
      LoadClient client = clients.get(started[0]++ / STREAMS_PER_ADDRESS);
      boolean[] opened = {false};
      client.stream(target.port(), body, null, () -> {
        opened[0] = true;
        open.incrementAndGet();
        settled.incrementAndGet();
        lastSettled.set(System.nanoTime());
        next[0].run();
      }).onComplete(result -> {
        if (released.get()) {
          return;
        }
        firstError.compareAndSet(null, result.failed() ? String.valueOf(result.cause()) : "a stream ended before it was released");
        if (opened[0]) {
          open.decrementAndGet();
        } else {
          settled.incrementAndGet();
          lastSettled.set(System.nanoTime());
          next[0].run();
        }
      });
    };
    context.runOnContext(v -> {
      for (int i = 0; i < OPEN_WINDOW; i++) {
        next[0].run();
      }
    });
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(openMillis);
    for (int i = 1; settled.get() < count && System.nanoTime() < deadline; i++) {
      sleep(50);
      if (i % 200 == 0) {
        log(String.format(Locale.ROOT, "%,d streams held open, %s: %,d open, %,d failed after %d s", count, target.name(),
            open.get(), settled.get() - open.get(), i / 20));
      }
    }
    double openSeconds = settled.get() == count ? (lastSettled.get() - start) / 1e9 : Double.NaN;
    sleep(HOLD_MILLIS);
    double rss = rssMiB(target.pid());
    double descriptors = descriptors(target.pid());
    released.set(true);
    long errors = count - open.get();
    if (settled.get() < count) {
      firstError.compareAndSet(null, (count - settled.get()) + " streams neither open nor failed after " + openMillis
          + " ms, counted as errors");
    }
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> Future.all(clients.stream().map(LoadClient::close).toList()).<Void>mapEmpty().onComplete(closed));
    try {
      closed.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log("closing the held streams: " + e);
    }
    sleep(1000);
    log(String.format(Locale.ROOT, "%,d streams held open, %s: %d errors%s, all open or failed in %s s; RSS with them"
        + " open %.0f MiB, descriptors %s", count, target.name(), errors,
        errors > 0 ? " (the first: " + firstError.get() + ")" : "", format(openSeconds), rss, format(descriptors)));
    return new Held(count, errors, firstError.get(), openSeconds, rss, descriptors);
  }

  /**
   * HTTP/1.1 by hand on one socket: writes a request and reads the answer (chunked, sized or up to the
   * close), noting when the first non-empty {@code "content"} arrived.
   */
  private static final class RawConnection {

    private final Target target;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    boolean closed;

    RawConnection(Target target) throws IOException {
      this.target = target;
      socket = new Socket(InetAddress.getLoopbackAddress(), target.port());
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream(), 65536);
      out = socket.getOutputStream();
    }

    /** Sends one streamed request; returns ns from the write to the first content token (fails if none came). */
    long firstToken(byte[] body) throws IOException {
      StringBuilder head = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:")
          .append(target.port()).append("\r\ncontent-type: application/json\r\naccept: text/event-stream\r\n")
          .append("content-length: ").append(body.length).append("\r\n");
      target.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      request.write(body);
      long start = System.nanoTime();
      out.write(request.toByteArray());
      out.flush();
      String status = line();
      long length = -1;
      boolean chunked = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          closed = true;
        }
      }
      if (!status.contains(" 200")) {
        close();
        throw new IOException(target.name() + " answered " + status);
      }
      Scan scan = new Scan();
      if (chunked) {
        for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
            size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
          scan.read(in, size);
          line();
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
          // trailers are ignored
        }
      } else if (length >= 0) {
        scan.read(in, length);
      } else {
        scan.read(in, Long.MAX_VALUE);
        closed = true;
      }
      if (closed) {
        close();
      }
      if (scan.firstToken < 0) {
        throw new IOException(target.name() + ": a stream without a content token");
      }
      return scan.firstToken - start;
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException(target.name() + " closed the connection");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    void close() {
      closed = true;
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  /** Reads body bytes, watching for the first {@code "content":"x} with a non-empty value. */
  private static final class Scan {

    private static final byte[] MARK = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private final byte[] buffer = new byte[65536];
    private int matched;
    private boolean afterMark;
    long firstToken = -1;

    void read(InputStream in, long bytes) throws IOException {
      long left = bytes;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          if (bytes == Long.MAX_VALUE) {
            return;
          }
          throw new IOException("the body ended early");
        }
        long now = System.nanoTime();
        left -= n;
        for (int i = 0; i < n && firstToken < 0; i++) {
          byte b = buffer[i];
          if (afterMark) {
            afterMark = false;
            if (b != '"') {
              firstToken = now;
            }
          }
          if (b == MARK[matched]) {
            matched++;
            if (matched == MARK.length) {
              matched = 0;
              afterMark = true;
            }
          } else {
            matched = b == MARK[0] ? 1 : 0;
          }
        }
      }
    }
  }

  // ---- table and files

  private void row(String metric, String compare, String target, java.util.function.Function<String, Double> value) {
    Map<String, String> cells = new LinkedHashMap<>();
    cells.put("issue 15 target", target);
    double direct = value.apply("direct");
    cells.put("direct", format(direct));
    for (Target t : targets.subList(1, targets.size())) {
      double mine = value.apply(t.name());
      cells.put(t.name(), format(mine));
      cells.put(t.name() + " vs direct", switch (compare) {
        case "ratio" -> Double.isNaN(mine) || mine == 0 && direct == 0 ? "-" : String.format(Locale.ROOT, "%.2f", mine / direct);
        case "added" -> Double.isNaN(mine - direct) ? "-" : String.format(Locale.ROOT, "%+.0f us", mine - direct);
        case "added s" -> Double.isFinite(mine - direct) ? String.format(Locale.ROOT, "%+.0f s", mine - direct) : "-";
        case "times" -> Double.isNaN(mine / direct) ? "-" : String.format(Locale.ROOT, "x%.2f", mine / direct);
        default -> "";
      });
    }
    table.put(metric, cells);
  }

  private void printTable() {
    List<String> columns = new ArrayList<>(table.values().iterator().next().keySet());
    columns.add(columns.remove(0));
    long gateway = targets.get(1).pid();
    StringBuilder out = new StringBuilder(String.format("%ngateway JVM flags: %s; open files limit: %s%n",
        Optional.of(jvmFlags(gateway)).filter(flags -> !flags.isEmpty()).orElse("none (the JVM's defaults)"),
        openFilesLimit(gateway)));
    int width = table.keySet().stream().mapToInt(String::length).max().orElse(0);
    String metricCell = "%-" + width + "s";
    out.append(String.format(metricCell, "metric"));
    columns.forEach(column -> out.append(String.format(" | %15s", column)));
    out.append('\n').append("-".repeat(width + columns.size() * 18)).append('\n');
    table.forEach((metric, cells) -> {
      out.append(String.format(metricCell, metric));
      columns.forEach(column -> out.append(String.format(" | %15s", cells.getOrDefault(column, ""))));
      out.append('\n');
    });
    out.append("direct: the upstream itself (its RSS and CPU are the upstream process's). \"vs direct\": rates as"
        + " target/direct, latencies and time to steady rate as target - direct, RSS, CPU and time to open as xN of"
        + " the upstream's.\n");
    notes.forEach(note -> out.append(note).append('\n'));
    System.out.print(out);
  }

  private void write() throws IOException {
    if (settings.get("out").isEmpty()) {
      return;
    }
    Path dir = Path.of(settings.get("out"));
    Files.createDirectories(dir);
    try (PrintStream tsv = new PrintStream(Files.newOutputStream(dir.resolve("results.tsv")), true, StandardCharsets.UTF_8)) {
      List<String> columns = new ArrayList<>(table.values().iterator().next().keySet());
      tsv.println("metric\t" + String.join("\t", columns));
      table.forEach((metric, cells) -> tsv.println(metric + "\t" + String.join("\t", cells.values())));
    }
    try (PrintStream dat = new PrintStream(Files.newOutputStream(dir.resolve("latency.dat")), true, StandardCharsets.UTF_8)) {
      dat.println("# target  one-at-a-time p50 p90 p99  time-to-first-token p50 p90 p99  (us)");
      for (Target target : targets) {
        long[] s = serialPercentiles.get(target.name());
        long[] t = ttftPercentiles.getOrDefault(target.name(), new long[3]);
        dat.printf(Locale.ROOT, "%s %.1f %.1f %.1f %.1f %.1f %.1f%n", target.name(), s[0] / 1e3, s[1] / 1e3, s[2] / 1e3,
            t[0] / 1e3, t[1] / 1e3, t[2] / 1e3);
      }
    }
    Files.writeString(dir.resolve("latency.svg"), svg());
  }

  /** The same percentiles as a bar chart in SVG, for machines without gnuplot. */
  private String svg() {
    int width = 760;
    int height = 380;
    StringBuilder svg = new StringBuilder(String.format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n"
            + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", width, height));
    String[] colours = {"#4477aa", "#ee6677", "#228833"};
    String[] panels = {"one request at a time (us)", "time to first token, raw socket (us)"};
    for (int p = 0; p < 2; p++) {
      Map<String, long[]> data = p == 0 ? serialPercentiles : ttftPercentiles;
      double max = data.values().stream().flatMapToLong(java.util.Arrays::stream).max().orElse(1) / 1e3;
      int x0 = 50 + p * (width / 2);
      int plotWidth = width / 2 - 80;
      int plotHeight = height - 110;
      svg.append(String.format("<text x=\"%d\" y=\"20\">%s</text>%n", x0, panels[p]));
      svg.append(String.format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", x0, 40 + plotHeight,
          x0 + plotWidth, 40 + plotHeight));
      String[] labels = {"p50", "p90", "p99"};
      for (int q = 0; q < 3; q++) {
        int groupX = x0 + q * plotWidth / 3;
        svg.append(String.format("<text x=\"%d\" y=\"%d\">%s</text>%n", groupX + 20, 58 + plotHeight, labels[q]));
        int t = 0;
        for (Map.Entry<String, long[]> entry : data.entrySet()) {
          double value = entry.getValue()[q] / 1e3;
          int barHeight = (int) Math.round(plotHeight * value / max);
          int barX = groupX + 5 + t * (plotWidth / 3 - 10) / Math.max(1, data.size());
          int barWidth = (plotWidth / 3 - 10) / Math.max(1, data.size()) - 2;
          svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", barX,
              40 + plotHeight - barHeight, barWidth, barHeight, colours[t % colours.length]));
          svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"9\">%.0f</text>%n", barX,
              36 + plotHeight - barHeight, value));
          t++;
        }
      }
    }
    int t = 0;
    for (String name : serialPercentiles.keySet()) {
      svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
          50 + t * 140, height - 30, colours[t % colours.length], 66 + t * 140, height - 20, name));
      t++;
    }
    return svg.append("</svg>\n").toString();
  }

  // ---- plumbing

  /** Calls {@code step(i)} for i = 0, 1, ... until the deadline; counts failures and stops after too many. */
  /** The target whose turn it is, {@link #BLOCK_NANOS} each, round and round since {@code start}. */
  private static Target inTurn(long start, List<Target> targets) {
    return targets.get((int) ((System.nanoTime() - start) / BLOCK_NANOS % targets.size()));
  }

  private Future<Void> loop(long deadline, long[] errors, java.util.function.IntFunction<Future<?>> step) {
    Promise<Void> done = Promise.promise();
    next(0, deadline, errors, step, done);
    return done.future();
  }

  private void next(int i, long deadline, long[] errors, java.util.function.IntFunction<Future<?>> step, Promise<Void> done) {
    if (System.nanoTime() >= deadline || errors[0] >= MAX_ERRORS) {
      done.tryComplete();
      return;
    }
    step.apply(i).onComplete(result -> {
      if (result.failed()) {
        errors[0]++;
      }
      next(i + 1, deadline, errors, step, done);
    });
  }

  private void onClient(Supplier<Future<Void>> work, long seconds, String phase) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    try {
      done.future().toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      failures.add(phase + ": " + (e.getCause() != null ? e.getCause() : e));
    }
  }

  /** Adds {@code count} errors to the target's count of the load phases, keeping the first one's description. */
  private synchronized void countErrors(String target, long count, Object error) {
    if (count <= 0) {
      return;
    }
    errors.merge(target, count, Long::sum);
    firstErrors.putIfAbsent(target, String.valueOf(error));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The JVM flags of a java process: the words of its command line after the program, up to {@code -jar} or the class. */
  static String jvmFlags(long pid) {
    try {
      String[] words = Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\0");
      List<String> flags = new ArrayList<>();
      for (int i = 1; i < words.length && words[i].startsWith("-") && !words[i].equals("-jar"); i++) {
        flags.add(words[i]);
      }
      return String.join(" ", flags);
    } catch (IOException e) {
      return "unknown (no /proc/" + pid + "/cmdline)";
    }
  }

  /** The soft limit of open files of a process (from {@code /proc/<pid>/limits}). */
  static String openFilesLimit(long pid) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/limits")).stream().filter(line -> line.startsWith("Max open files"))
          .map(line -> line.substring(26).trim().split("\\s+")[0]).findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** utime + stime of a process, in clock ticks; 0 without a pid. */
  static long cpuTicks(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Resident set of a process in MiB (VmRSS), NaN without a pid. */
  static double rssMiB(long pid) {
    if (pid <= 0) {
      return Double.NaN;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      // gone
    }
    return Double.NaN;
  }

  /** How many descriptors a process has open (entries of {@code /proc/<pid>/fd}), NaN without a pid. */
  static double descriptors(long pid) {
    if (pid <= 0) {
      return Double.NaN;
    }
    try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return entries.count();
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** The median in microseconds, NaN when nothing was recorded. */
  private static double p50(Histogram h) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1e3;
  }

  private static long[] percentiles(Histogram h) {
    return new long[] {h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99)};
  }

  /** A cell: "-" for NaN (not measured), "not steady" for +Infinity ({@link #timeToSteady}), integers without decimals. */
  private static String format(double value) {
    if (Double.isNaN(value)) {
      return "-";
    }
    if (Double.isInfinite(value)) {
      return "not steady";
    }
    return value >= 100 || value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  private int port(String name) {
    String value = settings.get(name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException("--" + name + "=PORT is required");
    }
    return Integer.parseInt(value);
  }

  private long pid(String name) {
    String value = settings.get(name);
    return value.isEmpty() ? -1 : Long.parseLong(value);
  }

  private long number(String name) {
    return Long.parseLong(settings.get(name));
  }

  private static Histogram histogram() {
    return new Histogram(MAX_NANOS, 3);
  }

  private static void log(String line) {
    System.err.println("[" + java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"))
        + "] " + line);
  }
}
