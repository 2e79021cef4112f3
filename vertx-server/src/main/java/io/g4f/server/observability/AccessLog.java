package io.g4f.server.observability;

import io.g4f.client.Usage;
import io.g4f.client.eventbus.EventBusProtocol;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The access log, for HTTP requests ({@link #handle}) and event-bus requests to the gateway's addresses ({@link #bus}):
 * gives every request an id (the caller's {@code x-request-id} header, or {@value EventBusProtocol#REQUEST_ID} on the
 * event bus, when it is a plain token, else a new one), echoes it in the same header of the answer, and when the
 * request is answered logs one event on the logger {@code io.g4f.server.access} and records the request's latency
 * under its route ({@link #log}, the one place both go through). The event's message is the line
 * {@code id method path status 12.3ms [provider=P] [model=M] [prompt_tokens=N completion_tokens=N] [cost_usd=D]
 * [caller=C]}; its
 * key-value pairs (fields of their own in {@code --log-format json}) are {@code request_id}, {@code method},
 * {@code path}, {@code route}, {@code status}, {@code duration_ms}, and when known {@code provider} (the configured one
 * that served), {@code model} (as asked), {@code prompt_tokens}, {@code completion_tokens}, {@code cost_usd} (US
 * dollars, once an upstream answered) and {@code caller}
 * ({@code key:NAME} or {@code address:ADDRESS}). An event-bus request has the method {@value #BUS}, its address as path
 * and route, and the status an HTTP request would have had: 200, its failure code, or {@value #CLIENT_CLOSED} when
 * the caller cancelled or abandoned its stream. Never a query, a header or a body, so never a key or a prompt.
 * Logback's asynchronous appender ({@code logback.xml}) writes it, never the event loop.
 *
 * <p>A request that a router-wide handler ended (authentication, origin policy, limits) is recorded under the
 * template of the route it was bound for; only a request for no route is {@code unmatched}.
 */
public final class AccessLog implements Handler<RoutingContext> {

  /**
   * The status logged and counted for a request whose caller left before it got a status line ({@value}, nginx's
   * "client closed request"), or cancelled or abandoned an event-bus stream; a stream the caller left after its
   * status line keeps the status it was sent.
   */
  public static final int CLIENT_CLOSED = 499;
  /** The method of event-bus requests. */
  public static final String BUS = "BUS";
  /** The HTTP header of a request's id, sent upstream as well. */
  public static final String REQUEST_ID_HEADER = "x-request-id";

  /** Where an HTTP request's {@link Entry} is kept in its routing context. */
  private static final String ENTRY = "g4f.access";
  private static final Logger LOG = LoggerFactory.getLogger("io.g4f.server.access");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /** Longest model name logged; a longer one is cut. */
  private static final int MAX_MODEL = 100;

  private final GatewayMetrics metrics;
  /** The router whose routes name requests that a router-wide handler ended; null: {@code unmatched} for those. */
  private final Router router;

  public AccessLog(GatewayMetrics metrics, Router router) {
    this.metrics = metrics;
    this.router = router;
  }

  /**
   * What one request's event says beyond its id, route, status and duration, filled in by its handlers as they learn
   * it. Used on the request's event loop.
   */
  public static final class Entry {

    private String model;
    private String provider;
    private Usage usage;
    private BigDecimal cost;
    private String caller;
    private String targets;

    /** The model the request asked for. */
    public Entry model(String model) {
      this.model = model;
      return this;
    }

    /**
     * The routing targets a request that fell back tried, in order ({@code provider/model}, the one that answered
     * last), as {@code targets=a/m0,b/m1} in its line.
     */
    public Entry targets(List<String> tried) {
      this.targets = String.join(",", tried);
      return this;
    }

    /** The caller's id ({@code key:NAME} or {@code address:ADDRESS}), once identified. */
    public Entry caller(String caller) {
      this.caller = caller;
      return this;
    }

    /** The configured provider that answered, and the usage it reported (null for none). */
    public Entry served(String provider, Usage usage) {
      this.provider = provider;
      this.usage = usage;
      return this;
    }

    /** What the answer cost, in US dollars. */
    public Entry cost(BigDecimal cost) {
      this.cost = cost;
      return this;
    }
  }

  /** The entry of {@code context}'s request (a detached one when no access log runs on its router). */
  public static Entry entry(RoutingContext context) {
    Entry entry = context.get(ENTRY);
    return entry != null ? entry : new Entry();
  }

  /** The entry of an event-bus request {@link #bus} handed on (a detached one for any other message). */
  public static Entry entry(Message<?> message) {
    return message instanceof BusRequest request ? request.entry : new Entry();
  }

  /** The request's id, as echoed in its {@code x-request-id} response header. */
  public static String requestId(RoutingContext context) {
    return context.response().headers().get(REQUEST_ID_HEADER);
  }

  /** The id of an event-bus request {@link #bus} handed on, else null. */
  public static String requestId(Message<?> message) {
    return message instanceof BusRequest request ? request.id : null;
  }

  @Override
  public void handle(RoutingContext context) {
    long start = System.nanoTime();
    String id = id(context.request().getHeader(REQUEST_ID_HEADER));
    context.response().putHeader(REQUEST_ID_HEADER, id);
    Entry entry = new Entry();
    context.put(ENTRY, entry);
    context.addEndHandler(ended -> {
      log(metrics, id, context.request().method().name(), context.request().path(), route(context),
          context.response().headWritten() ? context.response().getStatusCode() : CLIENT_CLOSED,
          System.nanoTime() - start, entry);
    });
    context.next();
  }

  /**
   * {@code handler} for requests to one of the gateway's event-bus addresses, each handed on with its id and
   * {@link Entry} and logged when it is answered: at its reply, or for a stream opened by the reply at
   * {@link #ended}.
   */
  public static Handler<Message<Object>> bus(GatewayMetrics metrics, Handler<Message<Object>> handler) {
    return message -> handler.handle(new BusRequest(message, metrics));
  }

  /** The reply to {@code opening} (a request {@link #bus} handed on) opens a stream: its event waits for {@link #ended}. */
  public static void streamed(Message<?> opening) {
    if (opening instanceof BusRequest request) {
      request.streamed = true;
    }
  }

  /** The stream {@code opening} opened ended with {@code status}: logs its event, unless its reply was. */
  public static void ended(Message<?> opening, int status) {
    if (opening instanceof BusRequest request) {
      request.log(status);
    }
  }

  /**
   * The caller's id when it is a plain token, else a new random (version 4) UUID, from the thread's own generator: an
   * id names a request in logs and traces and guards nothing, so it needs no {@code SecureRandom}, whose lock every
   * event loop would share.
   */
  private static String id(String given) {
    if (given != null && TOKEN.matcher(given).matches()) {
      return given;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return new UUID(random.nextLong() & ~0xF000L | 0x4000L, random.nextLong() & ~(3L << 62) | (1L << 63)).toString();
  }

  /** Logs one request's event and records its latency: every access-log event, HTTP or event bus, comes here. */
  private static void log(GatewayMetrics metrics, String id, String method, String path, String route, int status,
                          long nanos, Entry entry) {
    String caller = entry.caller;
    metrics.request(route, status, nanos);
    if (!LOG.isInfoEnabled()) {
      return;
    }
    String model = entry.model == null ? null : printable(entry.model);
    Integer prompt = entry.usage == null ? null : entry.usage.getPromptTokens();
    Integer completion = entry.usage == null ? null : entry.usage.getCompletionTokens();
    LoggingEventBuilder event = LOG.atInfo().addKeyValue("request_id", id).addKeyValue("method", method)
        .addKeyValue("path", path).addKeyValue("route", route).addKeyValue("status", status)
        .addKeyValue("duration_ms", Math.round(nanos / 1e5) / 10.0);
    if (entry.provider != null) {
      event = event.addKeyValue("provider", entry.provider);
    }
    if (model != null) {
      event = event.addKeyValue("model", model);
    }
    if (prompt != null) {
      event = event.addKeyValue("prompt_tokens", prompt);
    }
    if (completion != null) {
      event = event.addKeyValue("completion_tokens", completion);
    }
    if (entry.cost != null) {
      event = event.addKeyValue("cost_usd", entry.cost);
    }
    if (caller != null) {
      event = event.addKeyValue("caller", caller);
    }
    if (entry.targets != null) {
      event = event.addKeyValue("targets", entry.targets);
    }
    String line = line(id, method, path, status, nanos, entry.provider, model, prompt, completion, entry.cost, caller);
    event.log(entry.targets == null ? line : line + " targets=" + entry.targets);
  }

  /** {@code text} for a log line: at most {@value #MAX_MODEL} characters, each space or control character a {@code _}. */
  private static String printable(String text) {
    StringBuilder printable = new StringBuilder(Math.min(text.length(), MAX_MODEL));
    for (int i = 0; i < text.length() && i < MAX_MODEL; i++) {
      char c = text.charAt(i);
      printable.append(Character.isWhitespace(c) || Character.isISOControl(c) ? '_' : c);
    }
    return printable.toString();
  }

  /** The template of the route that ended the request, else of the first route with a path that matches it, else {@code unmatched}. */
  private String route(RoutingContext context) {
    Route current = context.currentRoute();
    if (current != null && current.getPath() != null) {
      return current.getPath();
    }
    List<Route> routes = router == null ? List.of() : router.getRoutes();
    String path = context.request().path();
    for (Route route : routes) {
      String template = route.getPath();
      if (template != null && !template.endsWith("*") && (route.methods() == null
          || route.methods().isEmpty() || route.methods().contains(context.request().method())) && matches(template, path)) {
        return template;
      }
    }
    return "unmatched";
  }

  /** Whether {@code path} fits {@code template}, whose {@code :name} segments match any one segment. */
  private static boolean matches(String template, String path) {
    String[] expected = template.split("/", -1);
    String[] actual = path.split("/", -1);
    if (expected.length != actual.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (!(expected[i].startsWith(":") ? !actual[i].isEmpty() : expected[i].equals(actual[i]))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code id method path status 12.3ms}, the duration rounded to a tenth of a millisecond without a trailing
   * {@code .0}, then those of {@code provider=P model=M prompt_tokens=N completion_tokens=N cost_usd=D caller=C} that
   * are known.
   */
  public static String line(String id, String method, String path, int status, long nanos, String provider, String model,
                     Integer promptTokens, Integer completionTokens, BigDecimal cost, String caller) {
    long tenths = Math.round(nanos / 1e5);
    StringBuilder line = new StringBuilder(id.length() + path.length() + 96).append(id).append(' ').append(method)
        .append(' ').append(path).append(' ').append(status).append(' ').append(tenths / 10);
    if (tenths % 10 != 0) {
      line.append('.').append(tenths % 10);
    }
    line.append("ms");
    appendField(line, "provider", provider);
    appendField(line, "model", model);
    appendField(line, "prompt_tokens", promptTokens);
    appendField(line, "completion_tokens", completionTokens);
    appendField(line, "cost_usd", cost == null ? null : cost.toPlainString());
    appendField(line, "caller", caller);
    return line.toString();
  }

  private static void appendField(StringBuilder line, String name, Object value) {
    if (value != null) {
      line.append(' ').append(name).append('=').append(value);
    }
  }

  /**
   * An event-bus request to one of the gateway's addresses as its handler sees it: the message, whose replies carry
   * the request's id in the {@value EventBusProtocol#REQUEST_ID} header and whose first reply logs its event (unless
   * it opened a stream). Used on the handler's event loop.
   */
  private static final class BusRequest implements Message<Object> {

    private final Message<Object> message;
    private final GatewayMetrics metrics;
    private final String id;
    private final long start = System.nanoTime();
    private final Entry entry = new Entry();
    private boolean streamed;
    private boolean logged;

    public BusRequest(Message<Object> message, GatewayMetrics metrics) {
      this.message = message;
      this.metrics = metrics;
      this.id = id(message.headers().get(EventBusProtocol.REQUEST_ID));
    }

    @Override
    public String address() {
      return message.address();
    }

    @Override
    public MultiMap headers() {
      return message.headers();
    }

    @Override
    public Object body() {
      return message.body();
    }

    @Override
    public String replyAddress() {
      return message.replyAddress();
    }

    @Override
    public boolean isSend() {
      return message.isSend();
    }

    @Override
    public void reply(Object body, DeliveryOptions options) {
      message.reply(body, withId(options));
      replied(body);
    }

    @Override
    public <R> Future<Message<R>> replyAndRequest(Object body, DeliveryOptions options) {
      Future<Message<R>> answer = message.replyAndRequest(body, withId(options));
      replied(body);
      return answer;
    }

    /** {@code options} with the request's id among their headers. */
    private DeliveryOptions withId(DeliveryOptions options) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      if (options.getHeaders() != null) {
        headers.addAll(options.getHeaders());
      }
      return new DeliveryOptions(options).setHeaders(headers.set(EventBusProtocol.REQUEST_ID, id));
    }

    private void replied(Object body) {
      if (!streamed) {
        log(body instanceof ReplyException failure ? failure.failureCode() : 200);
      }
    }

    public void log(int status) {
      if (!logged) {
        logged = true;
        AccessLog.log(metrics, id, BUS, message.address(), message.address(), status, System.nanoTime() - start,
            entry);
      }
    }
  }
}
