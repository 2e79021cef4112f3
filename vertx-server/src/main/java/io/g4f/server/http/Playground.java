package io.g4f.server.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web playground, from the {@code playground/} resources: {@code GET /} is its page, {@code GET /playground/*}
 * its script and styles. Mounted before authentication, so the page loads without the api key; the API calls it
 * makes need the key like any other (the page asks for it on a 401). The page is revalidated on every load
 * ({@code no-cache} with {@code Last-Modified}); assets are cached for {@value #ASSET_MAX_AGE} s. Every response
 * carries {@link #CSP}: scripts, styles, connections and images from this origin only (generated images are
 * served by the gateway), images also from {@code data:} and {@code blob:}.
 */
public final class Playground {

  /** The Content-Security-Policy of the playground's responses. */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";
  /** How long browsers may cache the script and styles: {@value} s. */
  public static final int ASSET_MAX_AGE = 300;

  private Playground() {
  }

  /** Adds the playground's routes to {@code router}. */
  static void mount(Router router) {
    StaticHandler files = StaticHandler.create("playground").setIndexPage("index.html")
        .setDefaultContentEncoding("UTF-8");
    router.get("/").handler(context -> headers(context, true)).handler(files);
    router.get("/playground/*").handler(context -> headers(context, context.normalizedPath().endsWith(".html")))
        .handler(files);
  }

  /** Sets the headers of a file served (200 or 304), replacing StaticHandler's "immutable" caching; a 404 gets none. */
  private static void headers(RoutingContext context, boolean page) {
    context.addHeadersEndHandler(v -> {
      HttpServerResponse response = context.response();
      if (response.getStatusCode() == 200 || response.getStatusCode() == 304) {
        response.putHeader("content-security-policy", CSP).putHeader("x-content-type-options", "nosniff")
            .putHeader("referrer-policy", "no-referrer")
            .putHeader("cache-control", page ? "no-cache" : "public, max-age=" + ASSET_MAX_AGE);
      }
    });
    context.next();
  }
}
