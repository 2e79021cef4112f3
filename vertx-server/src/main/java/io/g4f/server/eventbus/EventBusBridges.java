package io.g4f.server.eventbus;

import io.g4f.client.eventbus.EventBusProtocol;
import io.g4f.server.access.Access;
import io.g4f.server.access.Caller;
import io.g4f.server.api.translated.MessagesDialect;
import io.g4f.server.api.translated.ResponsesDialect;
import io.g4f.server.config.GatewayOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BaseBridgeEvent;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The SockJS and TCP event-bus bridges of the gateway, with one policy: callers may send only to the
 * gateway's addresses and to the addresses of the streams they were handed (and answer messages
 * sent to them), never register; on a guarded gateway ({@link Access}), each send to one of those addresses
 * must carry a key in the {@code apiKey} header, which is removed before the message reaches the bus. Each such
 * message gets a {@link Caller#HEADER} naming the key's name (or, on an open gateway, the caller's address), which
 * the gateway's handlers admit or refuse (403, 429) like HTTP calls, answering the caller with the error. A request
 * (a send with a reply address) whose key is missing or wrong goes on marked {@link #UNAUTHENTICATED_HEADER}, so
 * that the gateway answers it 401 as HTTP does rather than the bridge refusing it with a fixed text; other frames
 * without a good key are refused by the bridge. Headers the
 * bridges themselves read ({@code timeout}: a positive integer of ms, {@code localOnly}: a boolean) are checked:
 * one of the wrong type is taken out and named in the {@link #INVALID_HEADER} header, so that the gateway answers
 * 400 rather than the bridge failing without a reply; {@code codecName} is dropped (callers pick no codecs).
 */
public final class EventBusBridges {

  /** The header naming a header a bridge could not pass on (its value of the wrong type). */
  static final String INVALID_HEADER = "g4f-invalid-header";
  /** The header that marks a request whose API key was missing or wrong; the gateway answers it 401. */
  public static final String UNAUTHENTICATED_HEADER = "g4f-unauthenticated";
  /** The headers the bridges read themselves, and what each must be. */
  private static final Map<String, String> BRIDGE_HEADERS = Map.of(EventBusProtocol.TIMEOUT,
      "a positive integer (ms)", "localOnly", "a boolean");

  /** The 401 a request marked {@link #UNAUTHENTICATED_HEADER} gets, as HTTP answers a missing or wrong key. */
  static final String UNAUTHENTICATED_MESSAGE = "Missing or invalid API key: send the gateway's key in the apiKey header";

  private final Vertx vertx;
  private final GatewayOptions options;
  private final Access access;
  private TcpEventBusBridge tcpBridge;

  public EventBusBridges(Vertx vertx, GatewayOptions options, Access access) {
    this.vertx = vertx;
    this.options = options;
    this.access = access;
  }

  /** The message of the 400 for the bridge header {@code name} of the wrong type. */
  static String invalidHeader(String name) {
    return "The " + name + " header must be " + BRIDGE_HEADERS.getOrDefault(name, "valid");
  }

  /**
   * The SockJS bridge, to mount at {@code /eventbus/*} behind the gateway's {@link io.g4f.server.http.OriginPolicy}. The
   * transports that work around the browser's same-origin policy (JSONP, and htmlfile in a frame) are off,
   * and no page may frame the bridge's iframe.
   */
  public Router sockJs() {
    SockJSBridgeOptions bridge = new SockJSBridgeOptions();
    permitted().forEach(bridge::addInboundPermitted);
    SockJSHandlerOptions handler = new SockJSHandlerOptions()
        .addDisabledTransport(Transport.JSON_P.name())
        .addDisabledTransport(Transport.HTML_FILE.name());
    Router router = Router.router(vertx);
    router.route().handler(context -> {
      context.response().putHeader("x-frame-options", "DENY")
          .putHeader("content-security-policy", "frame-ancestors 'none'");
      context.next();
    });
    router.route("/*").subRouter(SockJSHandler.create(vertx, handler).bridge(bridge,
        event -> guard(event, () -> access.address(event.socket().headers(), event.socket().remoteAddress()))));
    return router;
  }

  /** Starts the TCP bridge on the gateway's host when a port is set; succeeds at once otherwise. */
  public Future<Void> startTcp() {
    if (options.getTcpBridgePort() < 0) {
      return Future.succeededFuture();
    }
    BridgeOptions bridge = new BridgeOptions();
    permitted().forEach(bridge::addInboundPermitted);
    tcpBridge = TcpEventBusBridge.create(vertx, bridge, new NetServerOptions(),
        event -> guard(event, () -> access.address(null, event.socket().remoteAddress())));
    return tcpBridge.listen(options.getTcpBridgePort(), options.getHost()).mapEmpty();
  }

  /** Stops the TCP bridge, if any. */
  public Future<Void> stop() {
    return tcpBridge == null ? Future.succeededFuture() : tcpBridge.close();
  }

  /** The gateway's addresses, and the streams' own addresses (capabilities: random UUIDs, handed to their caller). */
  private List<PermittedOptions> permitted() {
    List<PermittedOptions> permitted = new ArrayList<>();
    addresses().forEach(address -> permitted.add(new PermittedOptions().setAddress(address)));
    permitted.add(new PermittedOptions().setAddressRegex(Pattern.quote(options.getEventBusPrefix() + EventBusProtocol.STREAM)
        + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    return permitted;
  }

  private List<String> addresses() {
    String prefix = options.getEventBusPrefix();
    return List.of(prefix + EventBusProtocol.CHAT_COMPLETIONS, prefix + EventBusProtocol.IMAGES_GENERATE,
        prefix + EventBusProtocol.MODELS, prefix + ResponsesDialect.ADDRESS, prefix + MessagesDialect.ADDRESS,
        prefix + EventBusProtocol.EMBEDDINGS);
  }

  /** Lets a frame through, or not, as the class comment says; {@code address} is the caller's address. */
  private void guard(BaseBridgeEvent event, Supplier<String> address) {
    JsonObject frame = event.getRawMessage();
    if ((event.type() == BridgeEventType.SEND || event.type() == BridgeEventType.PUBLISH) && frame != null) {
      JsonObject headers = frame.getValue("headers") instanceof JsonObject json ? json : new JsonObject();
      frame.put("headers", headers);
      Object presented = headers.remove(EventBusProtocol.API_KEY);
      headers.remove(Caller.HEADER);
      headers.remove(INVALID_HEADER);
      headers.remove(UNAUTHENTICATED_HEADER);
      headers.remove("codecName");
      BRIDGE_HEADERS.keySet().forEach(name -> {
        Object value = headers.getValue(name);
        boolean valid = value == null || (name.equals(EventBusProtocol.TIMEOUT)
            ? (value instanceof Integer || value instanceof Long) && ((Number) value).longValue() > 0
            : value instanceof Boolean);
        if (!valid) {
          headers.remove(name);
          headers.put(INVALID_HEADER, name);
        }
      });
      if (addresses().contains(frame.getString("address"))) {
        Caller caller = access.identify(presented instanceof String key ? key : null, address.get());
        if (caller != null) {
          headers.put(Caller.HEADER, caller.id());
        } else if (event.type() == BridgeEventType.SEND && frame.getValue("replyAddress") instanceof String) {
          headers.put(UNAUTHENTICATED_HEADER, presented == null ? "missing" : "wrong");
        } else {
          event.complete(false);
          return;
        }
      }
    }
    event.complete(true);
  }
}
