package io.g4f.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
