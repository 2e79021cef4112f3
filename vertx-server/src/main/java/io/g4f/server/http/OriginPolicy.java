package io.g4f.server.http;

import io.g4f.server.wire.OpenAiErrors;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Lets a browser in only from the gateway's own origin and the configured {@code corsOrigins}, on every
 * route (the SockJS bridge included): a request whose {@code Origin} header names any other origin is
 * refused with 403 before it reaches a handler, so a web page a user visits cannot spend the gateway's
 * provider keys. Requests without an {@code Origin} header (SDKs, curl, servers) are not browsers' cross-origin
 * requests and pass; so do same-origin ones, whose {@code Origin} names the host the request was sent to.
 */
final class OriginPolicy implements Handler<RoutingContext> {

  private final List<String> allowed;
  private final boolean any;

  /** A policy allowing {@code corsOrigins} ({@code *} for any) besides the gateway's own origin. */
  OriginPolicy(List<String> corsOrigins) {
    this.allowed = corsOrigins.stream().map(origin -> origin.toLowerCase(Locale.ROOT)).toList();
    this.any = allowed.contains("*");
  }

  @Override
  public void handle(RoutingContext context) {
    String origin = context.request().getHeader(HttpHeaders.ORIGIN);
    if (origin == null || any || allowed.contains(origin.toLowerCase(Locale.ROOT))
        || sameOrigin(origin, context.request().authority())) {
      context.next();
      return;
    }
    OpenAiErrors.send(context.response(), OpenAiErrors.of(403, "Cross-origin requests from " + origin
        + " are not allowed; list the origin in the gateway's corsOrigins to allow it", "permission_denied", null,
        "origin_not_allowed"));
  }

  /**
   * Whether {@code origin} ({@code scheme://host[:port]}) names {@code authority} (the request's
   * {@code Host}, or null). The scheme is not compared: behind a TLS-terminating proxy the gateway sees plain HTTP.
   */
  private static boolean sameOrigin(String origin, HostAndPort authority) {
    if (authority == null) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException notAnOrigin) {
      return false;
    }
    if (uri.getHost() == null || !uri.getHost().equalsIgnoreCase(authority.host())) {
      return false;
    }
    int defaultPort = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
    return originPort == (authority.port() < 0 ? defaultPort : authority.port());
  }
}
