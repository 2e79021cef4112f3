package io.g4f.server.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's warning that one of Vert.x's gauges ({@code vertx.*}) "has been already registered", which
 * otherwise prints at every start. Vert.x's Micrometer metrics register a gauge again for each event-bus handler,
 * connection and request they count, on purpose: they keep one value per meter id and count into it, so nothing is
 * lost (vert-x3/vertx-micrometer-metrics#259, micrometer-metrics/micrometer#6931). The warning about any other meter
 * still prints. Installed by {@code logback.xml}; cheap, since it looks at WARN events only.
 */
public final class VertxGaugeRegistrations extends TurboFilter {

  private static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
  private static final String WARNING = "This Gauge has been already registered (MeterId{name='vertx.";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    return level == Level.WARN && format != null && format.startsWith(WARNING) && LOGGER.equals(logger.getName())
        ? FilterReply.DENY : FilterReply.NEUTRAL;
  }
}
