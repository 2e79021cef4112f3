package io.g4f.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The lines the gateway's logging ({@code logback.xml}, configured by {@link Main#configureLogging}) writes to
 * standard output while recording, each with the thread that wrote it; closing restores the text format and the
 * console.
 */
final class LogCapture extends OutputStream implements AutoCloseable {

  /** A line as written, and its writer's thread. */
  record Line(String text, String thread) {
  }

  private final PrintStream console = System.out;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();

  private LogCapture() {
  }

  /** Starts recording what the logs write in {@code format}. */
  static LogCapture record(Main.LogFormat format) {
    LogCapture capture = new LogCapture();
    System.setOut(new PrintStream(capture, true, StandardCharsets.UTF_8));
    Main.configureLogging(format);
    return capture;
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      lines.add(new Line(partial.toString(StandardCharsets.UTF_8), Thread.currentThread().getName()));
      partial.reset();
    } else {
      partial.write(b);
    }
  }

  /** The next line that {@code wanted} accepts, waiting up to 10 s; fails when there is none. */
  Line next(Predicate<String> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> skipped = new ArrayList<>();
    for (Line line; (line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
      if (wanted.test(line.text())) {
        return line;
      }
      skipped.add(line.text());
    }
    throw new AssertionError("No such line within 10 s; skipped: " + skipped + "; Logback's errors: "
        + ((LoggerContext) LoggerFactory.getILoggerFactory()).getStatusManager().getCopyOfStatusList().stream()
        .filter(status -> status.getLevel() == Status.ERROR).toList());
  }

  /** The lines written and not taken by {@link #next}, after a moment for those under way. */
  List<Line> rest() throws InterruptedException {
    Thread.sleep(300);
    List<Line> rest = new ArrayList<>();
    lines.drainTo(rest);
    return rest;
  }

  @Override
  public void close() {
    Main.configureLogging(Main.LogFormat.text);
    System.setOut(console);
  }
}
