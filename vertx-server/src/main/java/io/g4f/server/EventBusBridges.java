package io.g4f.server;

import io.g4f.client.eventbus.EventBusProtocol;
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
import java.util.regex.Pattern;

/**
 * The SockJS and TCP event-bus bridges of the gateway, with one policy: callers may send only to the
 * gateway's three addresses and to the addresses of the streams they were handed (and answer messages
 * sent to them), never register; with an API key set, each send to one of the three addresses must
 * carry it in the {@code apiKey} header, which is removed before the message reaches the bus.
 */
final class EventBusBridges {

  private final Vertx vertx;
  private final GatewayOptions options;
  private TcpEventBusBridge tcpBridge;

  EventBusBridges(Vertx vertx, GatewayOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  /**
   * The SockJS bridge, to mount at {@code /eventbus/*} behind the gateway's {@link OriginPolicy}. The
   * transports that work around the browser's same-origin policy (JSONP, and htmlfile in a frame) are off,
   * and no page may frame the bridge's iframe.
   */
  Router sockJs() {
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
    router.route("/*").subRouter(SockJSHandler.create(vertx, handler).bridge(bridge, this::guard));
    return router;
  }

  /** Starts the TCP bridge on the gateway's host when a port is set; succeeds at once otherwise. */
  Future<Void> startTcp() {
    if (options.getTcpBridgePort() < 0) {
      return Future.succeededFuture();
    }
    BridgeOptions bridge = new BridgeOptions();
    permitted().forEach(bridge::addInboundPermitted);
    tcpBridge = TcpEventBusBridge.create(vertx, bridge, new NetServerOptions(), this::guard);
    return tcpBridge.listen(options.getTcpBridgePort(), options.getHost()).mapEmpty();
  }

  /** Stops the TCP bridge, if any. */
  Future<Void> stop() {
    return tcpBridge == null ? Future.succeededFuture() : tcpBridge.close();
  }

  /** The three addresses, and the streams' own addresses (capabilities: random UUIDs, handed to their caller). */
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
        prefix + EventBusProtocol.MODELS);
  }

  private void guard(BaseBridgeEvent event) {
    JsonObject frame = event.getRawMessage();
    if ((event.type() == BridgeEventType.SEND || event.type() == BridgeEventType.PUBLISH) && frame != null) {
      JsonObject headers = frame.getValue("headers") instanceof JsonObject json ? json : null;
      Object presented = headers == null ? null : headers.remove(EventBusProtocol.API_KEY);
      boolean toGateway = addresses().contains(frame.getString("address"));
      if (toGateway && options.getApiKey() != null
          && !GatewayVerticle.matches(options.getApiKey(), presented instanceof String key ? key : null)) {
        event.complete(false);
        return;
      }
    }
    event.complete(true);
  }
}
