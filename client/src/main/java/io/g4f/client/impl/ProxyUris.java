package io.g4f.client.impl;

import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Parses proxy URIs ({@code http://user:pass@host:port}, {@code https://...}, {@code socks5://...}). */
public final class ProxyUris {

  private ProxyUris() {
  }

  /**
   * The proxy options for {@code uri}, or null when it is null or blank. The error message of an
   * invalid URI never repeats the URI, which may hold a password.
   *
   * @throws IllegalArgumentException when the URI is malformed or its scheme is not supported
   */
  public static ProxyOptions parse(String uri) {
    if (uri == null || uri.isBlank()) {
      return null;
    }
    URI parsed;
    try {
      parsed = new URI(uri.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Malformed proxy URI (expected scheme://[user:pass@]host[:port])");
    }
    if (parsed.getScheme() == null || parsed.isOpaque()) {
      // Without "scheme://", what Java reads as a scheme may be a user name ("user:pass@host"): not echoed.
      throw new IllegalArgumentException(
          "Proxy URI has no scheme (expected http://, https://, socks5:// or socks4://)");
    }
    String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
    ProxyOptions options = new ProxyOptions();
    int defaultPort;
    switch (scheme) {
      case "http" -> {
        options.setType(ProxyType.HTTP);
        defaultPort = 80;
      }
      case "https" -> {
        options.setType(ProxyType.HTTP);
        defaultPort = 443;
      }
      case "socks5", "socks5h", "socks" -> {
        options.setType(ProxyType.SOCKS5);
        defaultPort = 1080;
      }
      case "socks4", "socks4a" -> {
        options.setType(ProxyType.SOCKS4);
        defaultPort = 1080;
      }
      default -> throw new IllegalArgumentException(
          "Unsupported proxy scheme '" + scheme + "' (use http, https, socks5 or socks4)");
    }
    if (parsed.getHost() == null) {
      throw new IllegalArgumentException("Proxy URI has no host (expected scheme://[user:pass@]host[:port])");
    }
    options.setHost(parsed.getHost());
    options.setPort(parsed.getPort() > 0 ? parsed.getPort() : defaultPort);
    String userInfo = parsed.getRawUserInfo();
    if (userInfo != null) {
      // "user@host" means an empty password, as in curl: Vert.x authenticates to a proxy only when
      // both the user name and the password are set.
      int colon = userInfo.indexOf(':');
      options.setUsername(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      options.setPassword(colon < 0 ? "" : decode(userInfo.substring(colon + 1)));
    }
    return options;
  }

  private static String decode(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
