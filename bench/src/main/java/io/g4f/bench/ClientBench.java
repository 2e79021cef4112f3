package io.g4f.bench;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatCompletionStream;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code bench/run.sh --client}: the client library ({@link AsyncClient}) against openai-java (its async
 * OkHttp client with default settings, but no retries) on the same upstream process, in this one
 * process, one library after the other: whole answers and streams from {@code --connections} callers,
 * whole answers one at a time, and heap and threads per open stream ({@code --open-streams} slow streams
 * held open after each delivered its first chunk; openai-java's blocking client, a thread per stream,
 * as its async streams are capped at its dispatcher's 64 requests).
 */
public final class ClientBench {

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("upstream", "");        // the upstream's port (io.g4f.bench.Upstream)
    DEFAULTS.put("warmup", "30");        // seconds of mixed load per library first
    DEFAULTS.put("seconds", "10");       // measured seconds per phase and library
    DEFAULTS.put("connections", "50");
    DEFAULTS.put("tokens", "20");
    DEFAULTS.put("open-streams", "1000");
  }

  private final Map<String, String> settings;
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final AsyncClient g4f;
  /** The client library speaking h2c to the same upstream: its streams share connections. */
  private final AsyncClient g4fH2c;
  private final OpenAIClientAsync sdk;
  private final String model;

  private ClientBench(Map<String, String> settings) {
    this.settings = settings;
    String baseUrl = "http://127.0.0.1:" + settings.get("upstream") + "/v1";
    ClientOptions options = new ClientOptions().setProvider("OpenAI").setBaseUrl(baseUrl).setApiKey("bench")
        .setMaxRetries(0);
    g4f = AsyncClient.create(vertx, options);
    g4fH2c = AsyncClient.create(vertx, new ClientOptions(options).setHttp2(true));
    sdk = OpenAIOkHttpClientAsync.builder().baseUrl(baseUrl).apiKey("bench").maxRetries(0).build();
    model = ScriptedUpstream.model((int) number("tokens"), 0);
  }

  public static void main(String[] args) {
    Map<String, String> settings = new LinkedHashMap<>(DEFAULTS);
    for (String arg : args) {
      String[] pair = arg.replaceFirst("^--", "").split("=", 2);
      if (!DEFAULTS.containsKey(pair[0]) || pair.length != 2) {
        System.out.println("Usage: ClientBench --upstream=PORT [--name=value ...], settings and defaults: " + DEFAULTS);
        System.exit(pair[0].equals("help") ? 0 : 2);
      }
      settings.put(pair[0], pair[1]);
    }
    ClientBench bench = new ClientBench(settings);
    int status = 0;
    try {
      bench.run();
    } catch (Exception e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private void run() throws Exception {
    long seconds = number("seconds");
    log("warm-up, " + number("warmup") + " s per library");
    measure(this::g4fWhole, this::g4fStream, number("warmup") / 2);
    measure(this::sdkWhole, this::sdkStream, number("warmup") / 2);
    Map<String, double[]> rows = new LinkedHashMap<>();
    double[] whole = {rate(this::g4fWhole, seconds), rate(this::sdkWhole, seconds)};
    rows.put("whole answers, " + number("connections") + " conn (req/s)", whole);
    double[] streams = {rate(this::g4fStream, seconds), rate(this::sdkStream, seconds)};
    rows.put("streams, " + number("connections") + " conn (req/s)", streams);
    double[] serial = {serial(this::g4fWhole, seconds), serial(this::sdkWhole, seconds)};
    rows.put("whole answers one at a time (req/s)", serial);
    int open = (int) number("open-streams");
    double[] g4fOpen = g4fOpenStreams(g4f, open);
    double[] sdkOpen = sdkOpenStreams(open);
    rows.put("heap per open stream, " + open + " open (KiB)", new double[] {g4fOpen[0], sdkOpen[0]});
    rows.put("threads per open stream", new double[] {g4fOpen[1], sdkOpen[1]});
    rows.put("heap per open stream, h2c upstream (KiB)", new double[] {g4fOpenStreams(g4fH2c, open)[0], 0});

    StringBuilder out = new StringBuilder(String.format("%n%-40s | %12s | %12s | %14s | %s%n", "client, same upstream",
        "g4f client", "openai-java", "g4f/openai-java", "issue 15 target"));
    out.append("-".repeat(110)).append('\n');
    String[] targets = {">= 5x", ">= 5x", "", "<= 10 KiB", "", "<= 10 KiB"};
    int i = 0;
    for (Map.Entry<String, double[]> row : rows.entrySet()) {
      double[] v = row.getValue();
      out.append(String.format(Locale.ROOT, "%-40s | %12.1f | %12.1f | %14s | %s%n", row.getKey(), v[0], v[1],
          v[1] == 0 ? "-" : String.format(Locale.ROOT, "x%.2f", v[0] / v[1]), targets[i++]));
    }
    out.append("openai-java ").append(sdkVersion()).append(" (async OkHttp client with its defaults and no retries); heap is"
        + " after GC in this process, minus the heap before the streams opened; h2c: the client library with http2 on"
        + " (streams share connections, up to the upstream's 100 a connection), which openai-java cannot speak\n");
    System.out.print(out);
  }

  // ---- the two libraries, as CompletableFutures of one call each

  private CompletableFuture<?> g4fWhole() {
    return onContext(() -> g4f.chat().completions().create(ChatCompletionRequest.of(model, "Say this is a test")));
  }

  private CompletableFuture<?> g4fStream() {
    return onContext(() -> g4f.chat().completions().stream(ChatCompletionRequest.of(model, "Say this is a test"))
        .compose(stream -> {
          Promise<Long> done = Promise.promise();
          long[] chunks = {0};
          stream.exceptionHandler(done::tryFail).endHandler(v -> done.tryComplete(chunks[0])).handler(chunk -> chunks[0]++);
          return done.future();
        }));
  }

  private CompletableFuture<?> sdkWhole() {
    return sdk.chat().completions().create(params());
  }

  private CompletableFuture<?> sdkStream() {
    AtomicLong chunks = new AtomicLong();
    AsyncStreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params());
    stream.subscribe(chunk -> chunks.incrementAndGet());
    return stream.onCompleteFuture();
  }

  private ChatCompletionCreateParams params() {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say this is a test").build();
  }

  // ---- phases

  private void measure(Supplier<CompletableFuture<?>> whole, Supplier<CompletableFuture<?>> stream, long seconds) {
    rate(whole, Math.max(1, seconds / 2));
    rate(stream, Math.max(1, seconds / 2));
  }

  /** Completed calls per second from {@code --connections} callers in a closed loop. */
  private double rate(Supplier<CompletableFuture<?>> call, long seconds) {
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    List<CompletableFuture<Void>> callers = new ArrayList<>();
    for (int c = 0; c < number("connections"); c++) {
      CompletableFuture<Void> caller = new CompletableFuture<>();
      next(call, deadline, done, failed, caller);
      callers.add(caller);
    }
    CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).orTimeout(seconds + 60, TimeUnit.SECONDS).join();
    if (failed.get() > 0) {
      throw new IllegalStateException(failed.get() + " calls failed");
    }
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private void next(Supplier<CompletableFuture<?>> call, long deadline, AtomicLong done, AtomicLong failed,
      CompletableFuture<Void> caller) {
    if (System.nanoTime() >= deadline || failed.get() > 100) {
      caller.complete(null);
      return;
    }
    call.get().whenComplete((result, error) -> {
      (error == null ? done : failed).incrementAndGet();
      next(call, deadline, done, failed, caller);
    });
  }

  /** Calls per second, one at a time. */
  private double serial(Supplier<CompletableFuture<?>> call, long seconds) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    long count = 0;
    while (System.nanoTime() < deadline) {
      call.get().join();
      count++;
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }

  /** Heap (KiB) and threads per stream with {@code count} slow streams open through {@code client}. */
  private double[] g4fOpenStreams(AsyncClient client, int count) throws Exception {
    String slow = ScriptedUpstream.model(120, 1000);
    long heap = heapAfterGc();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    CountDownLatch opened = new CountDownLatch(count);
    List<ChatCompletionStream> streams = new ArrayList<>();
    context.runOnContext(v -> {
      for (int i = 0; i < count; i++) {
        client.chat().completions().stream(ChatCompletionRequest.of(slow, "Say this is a test")).onSuccess(stream -> {
          streams.add(stream);
          boolean[] first = {true};
          stream.exceptionHandler(e -> { }).handler(chunk -> {
            if (first[0]) {
              first[0] = false;
              opened.countDown();
            }
          });
        });
      }
    });
    boolean all = opened.await(60, TimeUnit.SECONDS);
    double[] perStream = {(heapAfterGc() - heap) / 1024.0 / count,
        (ManagementFactory.getThreadMXBean().getThreadCount() - threads) / (double) count};
    context.runOnContext(v -> streams.forEach(ChatCompletionStream::cancel));
    log(String.format("g4f client: %d of %d streams open", count - opened.getCount(), count));
    if (!all) {
      throw new IllegalStateException("only " + (count - opened.getCount()) + " of " + count + " g4f streams opened");
    }
    return perStream;
  }

  /** The same with openai-java's blocking client: a thread per stream, each holding its stream after the first chunk. */
  private double[] sdkOpenStreams(int count) throws Exception {
    String slow = ScriptedUpstream.model(120, 1000);
    OpenAIClient blocking = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + settings.get("upstream") + "/v1")
        .apiKey("bench").maxRetries(0).build();
    long heap = heapAfterGc();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    CountDownLatch opened = new CountDownLatch(count);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> holders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Thread holder = new Thread(() -> {
        try (StreamResponse<ChatCompletionChunk> stream = blocking.chat().completions().createStreaming(
            ChatCompletionCreateParams.builder().model(slow).addUserMessage("Say this is a test").build())) {
          Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
          if (chunks.hasNext()) {
            chunks.next();
            opened.countDown();
          }
          release.await();
        } catch (Exception e) {
          // counted as not opened
        }
      }, "sdk-stream-" + i);
      holder.setDaemon(true);
      holder.start();
      holders.add(holder);
    }
    boolean all = opened.await(60, TimeUnit.SECONDS);
    double[] perStream = {(heapAfterGc() - heap) / 1024.0 / count,
        (ManagementFactory.getThreadMXBean().getThreadCount() - threads) / (double) count};
    release.countDown();
    for (Thread holder : holders) {
      holder.join(10_000);
    }
    blocking.close();
    log(String.format("openai-java: %d of %d streams open", count - opened.getCount(), count));
    if (!all) {
      throw new IllegalStateException("only " + (count - opened.getCount()) + " of " + count + " openai-java streams opened");
    }
    return perStream;
  }

  // ---- plumbing

  private <T> CompletableFuture<T> onContext(Supplier<Future<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    return result;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static String sdkVersion() {
    return Optional.ofNullable(OpenAIClient.class.getPackage().getImplementationVersion()).orElse("at the parent pom's openai-java.version");
  }

  private long number(String name) {
    return Long.parseLong(settings.get(name));
  }

  private static void log(String line) {
    System.err.println("[" + java.time.LocalTime.now().withNano(0) + "] " + line);
  }
}
