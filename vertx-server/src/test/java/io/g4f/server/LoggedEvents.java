package io.g4f.server;

import static io.g4f.client.testing.ScriptedServer.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The events logged on one logger (and its children) while attached, as their formatted messages, and those at WARN or
 * above with their level and logger: Vert.x, Hazelcast, Micrometer and the gateway log through SLF4J and Logback, so a
 * test listens there. Closing detaches it.
 */
final class LoggedEvents extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

  private LoggedEvents(Logger logger) {
    this.logger = logger;
  }

  /** Starts listening to {@code name}. */
  static LoggedEvents on(String name) {
    LoggedEvents events = new LoggedEvents((Logger) LoggerFactory.getLogger(name));
    events.setContext(events.logger.getLoggerContext());
    events.start();
    events.logger.addAppender(events);
    return events;
  }

  /**
   * Starts listening to Vert.x's blocked-thread warnings, having checked that the capture works: an event loop of a
   * Vert.x of its own, blocked past its limit, is heard (then forgotten).
   */
  static LoggedEvents blockedThreads() {
    LoggedEvents blocked = on("io.vertx.core.impl.BlockedThreadChecker");
    Vertx strict = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(20)
        .setMaxEventLoopExecuteTime(50).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    try {
      await(strict.getOrCreateContext().<Void>executeBlocking(() -> null).compose(v -> {
        Promise<Void> done = Promise.promise();
        strict.runOnContext(x -> {
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          done.complete();
        });
        return done.future();
      }));
      if (blocked.messages().isEmpty()) {
        throw new AssertionError("a blocked event loop was not heard: the blocked-thread capture does not work");
      }
    } finally {
      await(strict.close());
      blocked.messages().clear();
    }
    return blocked;
  }

  @Override
  protected void append(ILoggingEvent event) {
    messages.add(event.getFormattedMessage());
    events.add(event);
  }

  /** The messages so far, in order; a live view. */
  List<String> messages() {
    return messages;
  }

  /** The events at WARN or above whose logger's name starts with {@code prefix}, as {@code LEVEL logger - message}. */
  List<String> warnings(String prefix) {
    return events.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN)
            && event.getLoggerName().startsWith(prefix))
        .map(event -> event.getLevel() + " " + event.getLoggerName() + " - " + event.getFormattedMessage()).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
