package io.g4f.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.g4f.client.ClientOptions;
import io.g4f.server.config.GatewayOptions;
import io.g4f.server.GatewayVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.slf4j.LoggerFactory;

/**
 * The gateway load harness: a {@link ScriptedUpstream} and a {@link GatewayVerticle} in front of it,
 * both on 127.0.0.1 in this JVM, measured by a {@link LoadClient} that calls each of them directly
 * so that the gateway's share can be told apart. Phases: non-streamed latency (one request at a time,
 * the two targets interleaved), throughput at a fixed concurrency, burst streams (time to the first
 * chunk, chunk rate), trickled streams (each chunk's delay from the upstream's write to the reader),
 * and thousands of concurrent open streams (heap per stream after GC, per-chunk delay at that scale).
 * Vert.x blocked-thread warnings are counted throughout, those naming the gateway's event loop apart
 * (on a loaded machine a descheduled thread or a GC pause also shows up as "blocked"). Every phase is
 * bounded in count and time; the run stops by itself and exits non-zero if a request failed or the
 * gateway's event loop was reported blocked.
 *
 * <p>Run: {@code java -cp bench/target/g4f-bench.jar io.g4f.bench.GatewayLoad [--name=value ...]};
 * {@code --help} lists the settings and their defaults.
 */
public final class GatewayLoad {

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("warmup", "3000");                 // non-streamed requests per target (and a tenth as many streams) first
    DEFAULTS.put("requests", "5000");               // measured non-streamed requests per target
    DEFAULTS.put("tokens", "20");                   // tokens of each non-streamed answer
    DEFAULTS.put("concurrency", "16");              // callers in the throughput phase
    DEFAULTS.put("throughput-requests", "10000");   // requests per target in the throughput phase
    DEFAULTS.put("streams", "300");                 // burst streams per target
    DEFAULTS.put("stream-tokens", "200");           // tokens of each burst stream
    DEFAULTS.put("trickle-streams", "20");          // trickled streams per target, in parallel
    DEFAULTS.put("trickle-chunks", "50");           // chunks of each trickled stream
    DEFAULTS.put("trickle-ms", "20");               // interval between trickled chunks
    DEFAULTS.put("concurrent", "2000");             // streams held open at once per target
    DEFAULTS.put("hold-seconds", "20");             // how long each of those streams lasts
    DEFAULTS.put("concurrent-interval-ms", "1000"); // interval between their chunks
    DEFAULTS.put("blocked-ms", "200");              // event-loop task time that counts as blocked
    DEFAULTS.put("access-log", "true");             // keep the gateway's access log (as shipped) or silence it
  }

  /** The gateway's access logger, held here so the level set on it is not lost to garbage collection. */
  private static final Logger ACCESS_LOG = (Logger) LoggerFactory.getLogger("io.g4f.server.access");
  private static final int OPEN_BATCH = 50;
  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Map<String, String> settings;
  private final Vertx vertx;
  private final Context clientContext;
  private final LoadClient client;
  private final ScriptedUpstream upstream = new ScriptedUpstream();
  private final ObservedGateway gateway;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final BlockedWarnings blocked;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final List<String> failures = new ArrayList<>();
  private final long gatewayThread;

  /** The gateway as shipped; only lets the harness find the event-loop thread it runs on. */
  private static final class ObservedGateway extends GatewayVerticle {

    ObservedGateway(GatewayOptions options) {
      super(options);
    }

    Future<Thread> thread() {
      Promise<Thread> thread = Promise.promise();
      context.runOnContext(v -> thread.complete(Thread.currentThread()));
      return thread.future();
    }
  }

  private GatewayLoad(Map<String, String> settings, BlockedWarnings blocked) {
    this.settings = settings;
    this.blocked = blocked;
    long blockedMillis = number("blocked-ms");
    vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(Math.max(10, blockedMillis / 4))
        .setMaxEventLoopExecuteTime(blockedMillis).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(blockedMillis).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS));
    await(vertx.deployVerticle(upstream), 30);
    gateway = new ObservedGateway(new GatewayOptions().setPort(0).addProvider("local",
        new ClientOptions().setProvider("OpenAI").setBaseUrl("http://127.0.0.1:" + upstream.port() + "/v1"), List.of()));
    await(vertx.deployVerticle(gateway), 30);
    gatewayThread = await(gateway.thread(), 30).getId();
    clientContext = vertx.getOrCreateContext();
    client = new LoadClient(vertx, (int) number("concurrent") + 64);
  }

  public static void main(String[] args) {
    Map<String, String> settings = new LinkedHashMap<>(DEFAULTS);
    for (String arg : args) {
      String[] pair = arg.replaceFirst("^--", "").split("=", 2);
      if (!DEFAULTS.containsKey(pair[0]) || pair.length != 2) {
        System.out.println("Usage: GatewayLoad [--name=value ...], settings and defaults: " + DEFAULTS);
        System.exit(pair[0].equals("help") ? 0 : 2);
      }
      settings.put(pair[0], pair[1]);
    }
    if (!Boolean.parseBoolean(settings.get("access-log"))) {
      ACCESS_LOG.setLevel(Level.WARN);
    }
    BlockedWarnings blocked = BlockedWarnings.install();
    System.out.println("settings: " + settings);
    GatewayLoad load = new GatewayLoad(settings, blocked);
    int gatewayBlocks;
    try {
      gatewayBlocks = load.run();
    } finally {
      load.close();
    }
    if (!load.failures.isEmpty() || gatewayBlocks > 0) {
      load.failures.forEach(failure -> System.out.println("FAILED: " + failure));
      System.exit(1);
    }
  }

  /** Runs every phase; returns how many blocked-thread warnings named the gateway's event loop after the warm-up. */
  private int run() {
    int direct = upstream.port();
    int viaGateway = gateway.actualPort();
    warmUp(direct, viaGateway);
    int duringWarmUp = blocked.count();
    latency(direct, viaGateway);
    throughput(direct, viaGateway);
    burstStreams(direct, viaGateway);
    trickledStreams(direct, viaGateway);
    concurrentStreams(direct, viaGateway);
    int measured = blocked.count() - duringWarmUp;
    String gatewayLoop = threads.getThreadInfo(gatewayThread).getThreadName();
    System.out.printf("%nVert.x blocked-thread warnings (an event-loop task running > %s ms): %d during start-up and"
        + " warm-up; %d during the measured phases, %d of them on the gateway's event loop (%s)%n",
        settings.get("blocked-ms"), duringWarmUp, measured, blocked.countFor(gatewayLoop, duringWarmUp), gatewayLoop);
    return blocked.countFor(gatewayLoop, duringWarmUp);
  }

  /** Loads classes and lets the JIT compile the paths the phases measure; nothing is recorded. */
  private void warmUp(int direct, int viaGateway) {
    Buffer completion = LoadClient.chatRequest(ScriptedUpstream.model((int) number("tokens"), 0), false);
    Buffer stream = LoadClient.chatRequest(ScriptedUpstream.model((int) number("stream-tokens"), 0), true);
    onClient(() -> sequential((int) number("warmup"), i -> client.complete(direct, completion)
        .compose(d -> client.complete(viaGateway, completion))
        .compose(g -> i % 10 != 0 ? Future.succeededFuture()
            : client.stream(direct, stream, null, null).compose(d -> client.stream(viaGateway, stream, null, null)))),
        300, "warm-up");
  }

  /** Non-streamed requests one at a time, direct and through the gateway alternately. */
  private void latency(int direct, int viaGateway) {
    int requests = (int) number("requests");
    Buffer body = LoadClient.chatRequest(ScriptedUpstream.model((int) number("tokens"), 0), false);
    Histogram directTimes = histogram();
    Histogram gatewayTimes = histogram();
    long[] pair = new long[2];
    long cpu = gatewayCpu();
    onClient(() -> sequential(requests, i -> {
      boolean directFirst = i % 2 == 0;
      return client.complete(directFirst ? direct : viaGateway, body)
          .compose(first -> client.complete(directFirst ? viaGateway : direct, body).map(second -> {
            pair[directFirst ? 0 : 1] = first;
            pair[directFirst ? 1 : 0] = second;
            directTimes.recordValue(Math.min(MAX_NANOS, pair[0]));
            gatewayTimes.recordValue(Math.min(MAX_NANOS, pair[1]));
            return null;
          }));
    }), 300, "latency");
    cpu = gatewayCpu() - cpu;
    System.out.printf("%n(a) Non-streamed chat completion latency, %d tokens, one request at a time, %d per target (us)%n",
        number("tokens"), requests);
    printPercentiles(directTimes, gatewayTimes);
    System.out.printf("gateway event-loop CPU time per request: %.1f us%n", micros(cpu / requests));
  }

  /** Non-streamed requests from {@code concurrency} callers at once, each target in turn. */
  private void throughput(int direct, int viaGateway) {
    int concurrency = (int) number("concurrency");
    int requests = (int) number("throughput-requests");
    Buffer body = LoadClient.chatRequest(ScriptedUpstream.model((int) number("tokens"), 0), false);
    System.out.printf("%n(a2) Throughput: %d non-streamed requests per target, %d callers at once%n", requests, concurrency);
    System.out.printf("%-10s %12s %10s %10s %10s %16s%n", "target", "requests/s", "p50 us", "p99 us", "max us",
        "gw CPU us/req");
    for (int port : new int[] {direct, viaGateway}) {
      Histogram times = histogram();
      long cpu = gatewayCpu();
      long start = System.nanoTime();
      onClient(() -> {
        List<Future<Void>> callers = new ArrayList<>();
        for (int c = 0; c < concurrency; c++) {
          callers.add(sequential(requests / concurrency, i -> client.complete(port, body)
              .map(nanos -> {
                times.recordValue(Math.min(MAX_NANOS, nanos));
                return null;
              })));
        }
        return Future.all(callers).mapEmpty();
      }, 300, "throughput");
      double seconds = (System.nanoTime() - start) / 1e9;
      cpu = gatewayCpu() - cpu;
      System.out.printf("%-10s %12.0f %10.1f %10.1f %10.1f %16.1f%n", port == direct ? "direct" : "gateway",
          times.getTotalCount() / seconds, micros(times.getValueAtPercentile(50)), micros(times.getValueAtPercentile(99)),
          micros(times.getMaxValue()), micros(cpu / Math.max(1, times.getTotalCount())));
    }
  }

  /** Streams whose upstream writes every chunk at once: time to first chunk and chunk rate. */
  private void burstStreams(int direct, int viaGateway) {
    int streams = (int) number("streams");
    int tokens = (int) number("stream-tokens");
    Buffer body = LoadClient.chatRequest(ScriptedUpstream.model(tokens, 0), true);
    Histogram[] firstChunk = {histogram(), histogram()};
    Histogram[] total = {histogram(), histogram()};
    long[] chunks = new long[2];
    BiConsumer<Integer, LoadClient.StreamTiming> record = (target, timing) -> {
      firstChunk[target].recordValue(timing.firstChunkNanos());
      total[target].recordValue(timing.totalNanos());
      chunks[target] += timing.chunks();
    };
    long cpu = gatewayCpu();
    onClient(() -> sequential(streams, i -> {
      boolean directFirst = i % 2 == 0;
      return client.stream(directFirst ? direct : viaGateway, body, null, null)
          .compose(a -> client.stream(directFirst ? viaGateway : direct, body, null, null).map(b -> {
            record.accept(directFirst ? 0 : 1, a);
            record.accept(directFirst ? 1 : 0, b);
            return null;
          }));
    }), 300, "burst streams");
    cpu = gatewayCpu() - cpu;
    System.out.printf("%n(b) Burst streams: %d per target, %d chunks each, written by the upstream at once%n", streams,
        tokens + 3);
    System.out.printf("%-10s %14s %14s %14s %14s%n", "target", "1st chunk p50", "1st chunk p99", "stream p50 us",
        "chunks/s");
    for (int target = 0; target < 2; target++) {
      System.out.printf("%-10s %14.1f %14.1f %14.1f %14.0f%n", target == 0 ? "direct" : "gateway",
          micros(firstChunk[target].getValueAtPercentile(50)), micros(firstChunk[target].getValueAtPercentile(99)),
          micros(total[target].getValueAtPercentile(50)),
          chunks[target] / (total[target].getMean() * total[target].getTotalCount() / 1e9));
    }
    System.out.printf("gateway event-loop CPU time per streamed chunk: %.2f us%n", cpu / 1e3 / Math.max(1, chunks[1]));
  }

  /**
   * Streams whose upstream writes a chunk every interval: how long each chunk takes to reach the reader.
   * The streams start spread over one interval, as independent streams would be, so that each chunk's
   * delay is its own: started together, their upstream timers fire in the same instant and every
   * chunk waits for the ones written before it (that queueing is what the burst phase measures).
   */
  private void trickledStreams(int direct, int viaGateway) {
    int streams = (int) number("trickle-streams");
    int chunks = (int) number("trickle-chunks");
    long interval = number("trickle-ms");
    Buffer body = LoadClient.chatRequest(ScriptedUpstream.model(chunks, interval), true);
    System.out.printf("%n(b2) Trickled streams: %d at once per target (started spread over %d ms), %d chunks %d ms"
        + " apart; delay from the upstream's write to the reader's parse (us)%n", streams, interval, chunks, interval);
    Histogram[] delays = {histogram(), histogram()};
    int[] ports = {direct, viaGateway};
    for (int target = 0; target < 2; target++) {
      Histogram into = delays[target];
      int port = ports[target];
      onClient(() -> {
        List<Future<LoadClient.StreamTiming>> all = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
          all.add(after(s * interval / streams).compose(started -> client.stream(port, body, into, null)));
        }
        return Future.all(all).mapEmpty();
      }, 60 + chunks * interval / 1000, "trickled streams");
    }
    printPercentiles(delays[0], delays[1]);
  }

  /** Thousands of slow streams open at once: heap per stream and chunk delay at that scale. */
  private void concurrentStreams(int direct, int viaGateway) {
    int streams = (int) number("concurrent");
    long interval = number("concurrent-interval-ms");
    int chunks = (int) Math.max(1, number("hold-seconds") * 1000 / interval);
    Buffer body = LoadClient.chatRequest(ScriptedUpstream.model(chunks, interval), true);
    System.out.printf("%n(c) Concurrent streams: %d open at once per target, each %d chunks %d ms apart%n", streams,
        chunks, interval);
    System.out.printf("%-10s %8s %10s %12s %12s %10s %12s %12s %14s%n", "target", "opened", "open in ms", "heap MB base",
        "heap MB open", "KB/stream", "delay p99 us", "delay max us", "gw CPU us/chunk");
    long[] perStream = new long[2];
    int[] ports = {direct, viaGateway};
    for (int target = 0; target < 2; target++) {
      int port = ports[target];
      Histogram delays = histogram();
      long base = heapAfterGc();
      long cpu = gatewayCpu();
      AtomicInteger opened = new AtomicInteger();
      Promise<Void> allOpen = Promise.promise();
      long start = System.nanoTime();
      List<Future<LoadClient.StreamTiming>> all = new ArrayList<>();
      clientContext.runOnContext(v -> openInBatches(streams, () -> all.add(client.stream(port, body, delays, () -> {
        if (opened.incrementAndGet() == streams) {
          allOpen.tryComplete();
        }
      }))));
      long holdMillis = chunks * interval;
      boolean everyOneOpen = waitFor(allOpen.future(), holdMillis / 2 + 5_000);
      long openMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      long open = heapAfterGc();
      if (!everyOneOpen) {
        failures.add((port == direct ? "direct" : "gateway") + ": only " + opened.get() + " of " + streams
            + " concurrent streams had started after " + openMillis + " ms");
      }
      onClient(() -> Future.all(all).mapEmpty(), holdMillis / 1000 + 120, "concurrent streams");
      cpu = gatewayCpu() - cpu;
      perStream[target] = (open - base) / streams;
      System.out.printf("%-10s %8d %10d %12.1f %12.1f %10.1f %12.1f %12.1f %14s%n", port == direct ? "direct" : "gateway",
          opened.get(), openMillis, base / 1e6, open / 1e6, perStream[target] / 1e3,
          micros(delays.getValueAtPercentile(99)), micros(delays.getMaxValue()),
          port == direct ? "-" : String.format("%.1f", cpu / 1e3 / Math.max(1, delays.getTotalCount())));
    }
    System.out.printf("gateway heap per open stream (gateway minus direct): %.1f KB; heap after all ended: %.1f MB%n",
        (perStream[1] - perStream[0]) / 1e3, heapAfterGc() / 1e6);
  }

  /** Completes on the calling context after {@code millis} (at once when 0). */
  private Future<Void> after(long millis) {
    if (millis <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(millis, id -> elapsed.complete());
    return elapsed.future();
  }

  /** Runs {@code open} {@code count} times, {@value #OPEN_BATCH} per event-loop turn so the client's loop stays responsive. */
  private void openInBatches(int count, Runnable open) {
    int batch = Math.min(OPEN_BATCH, count);
    for (int i = 0; i < batch; i++) {
      open.run();
    }
    if (count > batch) {
      vertx.setTimer(1, id -> openInBatches(count - batch, open));
    }
  }

  private void close() {
    waitFor(client.close(), 10_000);
    waitFor(vertx.close(), 30_000);
  }

  // ---- plumbing

  /** Runs {@code step(0)}, then {@code step(1)} once it completed, ... up to {@code count}; fails on the first failure. */
  private static Future<Void> sequential(int count, IntFunction<Future<?>> step) {
    Promise<Void> done = Promise.promise();
    next(0, count, step, done);
    return done.future();
  }

  private static void next(int i, int count, IntFunction<Future<?>> step, Promise<Void> done) {
    if (i == count) {
      done.complete();
      return;
    }
    step.apply(i).onSuccess(v -> next(i + 1, count, step, done)).onFailure(done::fail);
  }

  /** Starts {@code work} on the client's context and waits for it up to {@code seconds}, recording a failure. */
  private void onClient(Supplier<Future<Void>> work, long seconds, String phase) {
    Promise<Void> done = Promise.promise();
    clientContext.runOnContext(v -> work.get().onComplete(done));
    try {
      done.future().toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      failures.add(phase + ": " + (e.getCause() != null ? e.getCause() : e));
    }
  }

  private static boolean waitFor(Future<?> future, long millis) {
    try {
      future.toCompletionStage().toCompletableFuture().get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Setup failed", e);
    }
  }

  private long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** CPU time the gateway's event-loop thread has used so far, in ns. */
  private long gatewayCpu() {
    return threads.getThreadCpuTime(gatewayThread);
  }

  private long number(String name) {
    return Long.parseLong(settings.get(name));
  }

  private static Histogram histogram() {
    return new Histogram(MAX_NANOS, 3);
  }

  private static double micros(long nanos) {
    return nanos / 1e3;
  }

  private static void printPercentiles(Histogram direct, Histogram viaGateway) {
    System.out.printf("%-10s %10s %10s %10s %10s %10s %10s%n", "target", "p50", "p90", "p99", "p99.9", "max", "count");
    double[] percentiles = {50, 90, 99, 99.9};
    for (Histogram h : new Histogram[] {direct, viaGateway}) {
      System.out.printf("%-10s", h == direct ? "direct" : "gateway");
      for (double p : percentiles) {
        System.out.printf(" %10.1f", micros(h.getValueAtPercentile(p)));
      }
      System.out.printf(" %10.1f %10d%n", micros(h.getMaxValue()), h.getTotalCount());
    }
    System.out.printf("%-10s", "added");
    for (double p : percentiles) {
      System.out.printf(" %10.1f", micros(viaGateway.getValueAtPercentile(p) - direct.getValueAtPercentile(p)));
    }
    System.out.printf(" %10s %10s%n", "", "");
  }

  /** Counts the warnings of Vert.x's blocked-thread checker (logged through SLF4J to Logback). */
  private static final class BlockedWarnings extends AppenderBase<ILoggingEvent> {

    /** The message of each warning, in order ("Thread NAME has been blocked for ..."). */
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    static BlockedWarnings install() {
      BlockedWarnings warnings = new BlockedWarnings();
      Logger checker = (Logger) LoggerFactory.getLogger(BlockedThreadChecker.LOGGER_NAME);
      warnings.setContext(checker.getLoggerContext());
      warnings.start();
      checker.addAppender(warnings);
      return warnings;
    }

    int count() {
      return warnings.size();
    }

    /** Warnings about {@code thread} from the {@code from}-th warning on. */
    int countFor(String thread, int from) {
      return (int) warnings.subList(from, warnings.size()).stream()
          .filter(message -> message.startsWith("Thread " + thread + " ")).count();
    }

    @Override
    protected void append(ILoggingEvent event) {
      if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
        warnings.add(event.getFormattedMessage());
      }
    }
  }
}
