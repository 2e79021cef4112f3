package io.g4f.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The load generator of {@code bench/run.sh}: a process of its own that measures the upstream directly
 * and each gateway in front of it (all separate processes on 127.0.0.1), and prints one table of
 * ratios. Phases, each target in turn after a short re-warm: whole answers and streams from
 * {@code --connections} callers in a closed loop, long whole answers, one request at a time (targets
 * interleaved), and time to first token on a raw keep-alive socket (no {@code accept-encoding}, so
 * nothing is compressed). CPU per request and resident memory are read from {@code /proc/<pid>} of
 * each process named by {@code --*-pid}. Every phase is bounded in time; the process exits by itself.
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
    DEFAULTS.put("clk-tck", "100");       // getconf CLK_TCK: the unit of utime/stime in /proc/<pid>/stat
    DEFAULTS.put("out", "");              // folder for results.tsv and latency.dat (none: not written)
  }

  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(5);
  private static final int MAX_ERRORS = 1000;

  /** A process answering chat requests on a port. */
  record Target(String name, int port, long pid, Map<String, String> headers) {}

  /** What one rate phase measured for one target. */
  record Rate(double perSecond, Histogram latency, long errors, double cpuMicrosPerRequest, String firstError) {}

  private final Map<String, String> settings;
  private final List<Target> targets = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final LoadClient client;
  private final Map<String, Map<String, String>> table = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<String, long[]> serialPercentiles = new LinkedHashMap<>();
  private final Map<String, long[]> ttftPercentiles = new LinkedHashMap<>();

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
    for (Target target : targets) {
      warmUp(target);
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

    row("whole answers, " + connections + " conn (req/s)", "ratio", ">= 0.6", target -> whole.get(target).perSecond());
    row("streams, " + connections + " conn (req/s)", "ratio", ">= 0.6", target -> streams.get(target).perSecond());
    row(longTokens + "-token whole, " + connections + " conn (req/s)", "ratio", ">= 0.6",
        target -> longWhole.get(target).perSecond());
    row("one at a time, p50 (us)", "added", "<= +100 us", target -> p50(serial.get(target)));
    row("one at a time, mean (us)", "added", "", target -> serial.get(target).getTotalCount() == 0 ? Double.NaN : serial.get(target).getMean() / 1e3);
    row("time to first token, raw socket, p50 (us)", "added", "<= +300 us",
        target -> p50(ttft.get(target)));
    row("RSS after load (MiB)", "times", "<= 200 MiB", target -> rssMiB(pidOf(target)));
    row("CPU per whole answer, " + connections + " conn (us)", "times", "", target -> whole.get(target).cpuMicrosPerRequest());
    row("CPU per stream, " + connections + " conn (us)", "times", "", target -> streams.get(target).cpuMicrosPerRequest());
    row("errors (all phases)", "none", "0", target -> (double) (whole.get(target).errors() + streams.get(target).errors()
        + longWhole.get(target).errors()));
    printTable();
    for (Map<String, Rate> phase : List.of(whole, streams, longWhole)) {
      phase.forEach((target, rate) -> {
        if (rate.errors() > 0) {
          failures.add(target + ": " + rate.errors() + " errors, the first: " + rate.firstError());
        }
      });
    }
    write();
  }

  // ---- phases

  /** Mixed load (whole, streamed and long whole answers) for {@code --warmup} seconds; prints the rate per 5 s. */
  private void warmUp(Target target) {
    long seconds = number("warmup");
    if (seconds <= 0) {
      return;
    }
    int tokens = (int) number("tokens");
    Buffer[] bodies = {LoadClient.chatRequest(ScriptedUpstream.model(tokens, 0), false),
        LoadClient.chatRequest(ScriptedUpstream.model(tokens, 0), true),
        LoadClient.chatRequest(ScriptedUpstream.model((int) number("long-tokens"), 0), false)};
    int buckets = (int) Math.max(1, (seconds + 4) / 5);
    long[] done = new long[buckets];
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    long[] errors = {0};
    onClient(() -> {
      List<Future<Void>> callers = new ArrayList<>();
      for (int c = 0; c < number("connections"); c++) {
        int caller = c;
        callers.add(loop(deadline, errors, i -> {
          Buffer body = bodies[(caller + i) % 3];
          Future<?> call = (caller + i) % 3 == 1 ? client.stream(target.port(), body, null, null)
              : client.complete(target.port(), body);
          return call.onSuccess(v -> done[(int) Math.min(buckets - 1, (System.nanoTime() - start) / 5_000_000_000L)]++);
        }));
      }
      return Future.all(callers).mapEmpty();
    }, seconds + 60, "warm-up " + target.name());
    StringBuilder line = new StringBuilder();
    for (long count : done) {
      line.append(' ').append(count / Math.min(5, seconds));
    }
    log(String.format("warm-up %s: %d s, requests/s per 5 s:%s; errors %d", target.name(), seconds, line, errors[0]));
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
    long[] errors = {0};
    String[] firstError = {null};
    long cpu = cpuTicks(target.pid());
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    onClient(() -> {
      List<Future<Void>> callers = new ArrayList<>();
      for (int c = 0; c < number("connections"); c++) {
        callers.add(loop(deadline, errors, i -> (stream
            ? client.stream(target.port(), body, null, null).map(timing -> {
              if (timing.chunks() == 0) {
                throw new IllegalStateException("a stream without chunks");
              }
              return timing.totalNanos();
            })
            : client.complete(target.port(), body))
            .onSuccess(nanos -> latency.recordValue(Math.min(MAX_NANOS, nanos)))
            .onFailure(e -> {
              if (firstError[0] == null) {
                firstError[0] = String.valueOf(e);
              }
            })));
      }
      return Future.all(callers).mapEmpty();
    }, seconds + 60, target.name());
    double elapsed = (System.nanoTime() - start) / 1e9;
    long count = latency.getTotalCount();
    double cpuMicros = target.pid() > 0 ? (cpuTicks(target.pid()) - cpu) * 1e6 / number("clk-tck") / Math.max(1, count)
        : Double.NaN;
    return new Rate(count / elapsed, latency, errors[0], cpuMicros, firstError[0]);
  }

  /** Whole answers one at a time, the targets interleaved so that drift in the machine hits them alike. */
  private Map<String, Histogram> serial() {
    Buffer body = LoadClient.chatRequest(ScriptedUpstream.model((int) number("tokens"), 0), false);
    Map<String, Histogram> times = new LinkedHashMap<>();
    for (long seconds : new long[] {number("phase-warmup"), number("seconds") * targets.size()}) {
      targets.forEach(target -> times.put(target.name(), histogram()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long[] errors = {0};
      onClient(() -> loop(deadline, errors, i -> {
        Future<Void> round = Future.succeededFuture();
        for (int k = 0; k < targets.size(); k++) {
          Target target = targets.get((i + k) % targets.size());
          round = round.compose(v -> client.complete(target.port(), body)
              .map(nanos -> {
                times.get(target.name()).recordValue(Math.min(MAX_NANOS, nanos));
                return null;
              }));
        }
        return round;
      }), seconds + 60, "one at a time");
      if (errors[0] > 0) {
        failures.add("one at a time: " + errors[0] + " errors");
      }
    }
    times.forEach((name, h) -> {
      serialPercentiles.put(name, percentiles(h));
      log(String.format("one at a time, %s: %d requests, p50 %.0f p90 %.0f p99 %.0f us", name, h.getTotalCount(),
          h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3));
    });
    return times;
  }

  /** Streams one at a time on one raw keep-alive socket per target, interleaved: time to the first content token. */
  private Map<String, Histogram> timeToFirstToken() {
    // every request on the same socket, the answer read to its end before the next
    byte[] body = LoadClient.chatRequest(ScriptedUpstream.model((int) number("tokens"), 0), true).getBytes();
    Map<String, Histogram> times = new LinkedHashMap<>();
    Map<String, RawConnection> connections = new LinkedHashMap<>();
    Map<String, Integer> errors = new LinkedHashMap<>();
    try {
      for (long seconds : new long[] {number("phase-warmup"), number("seconds") * targets.size()}) {
        targets.forEach(target -> times.put(target.name(), histogram()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int i = 0; System.nanoTime() < deadline; i++) {
          for (int k = 0; k < targets.size(); k++) {
            Target target = targets.get((i + k) % targets.size());
            if (errors.getOrDefault(target.name(), 0) >= 10) {
              continue;
            }
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
              if (errors.merge(target.name(), 1, Integer::sum) == 10) {
                failures.add("time to first token, " + target.name() + ": 10 errors, the last: " + e);
              }
            }
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
      Scan scan = new Scan(start);
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

    Scan(long start) {
    }

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
        case "times" -> Double.isNaN(mine / direct) ? "-" : String.format(Locale.ROOT, "x%.2f", mine / direct);
        default -> "";
      });
    }
    table.put(metric, cells);
  }

  private void printTable() {
    List<String> columns = new ArrayList<>(table.values().iterator().next().keySet());
    columns.add(columns.remove(0));
    StringBuilder out = new StringBuilder(String.format("%n%-42s", "metric"));
    columns.forEach(column -> out.append(String.format(" | %15s", column)));
    out.append('\n').append("-".repeat(42 + columns.size() * 18)).append('\n');
    table.forEach((metric, cells) -> {
      out.append(String.format("%-42s", metric));
      columns.forEach(column -> out.append(String.format(" | %15s", cells.getOrDefault(column, ""))));
      out.append('\n');
    });
    out.append("direct: the upstream itself (its RSS and CPU are the upstream process's). \"vs direct\": rates as"
        + " target/direct, latencies as target - direct, RSS and CPU as xN of the upstream's.\n");
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

  private long pidOf(String name) {
    return targets.stream().filter(t -> t.name().equals(name)).findFirst().map(Target::pid).orElse(-1L);
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

  /** The median in microseconds, NaN when nothing was recorded. */
  private static double p50(Histogram h) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(50) / 1e3;
  }

  private static long[] percentiles(Histogram h) {
    return new long[] {h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99)};
  }

  private static String format(double value) {
    return Double.isNaN(value) ? "-" : value >= 100 ? String.format(Locale.ROOT, "%.0f", value)
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
