package io.g4f.client.impl;

import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.G4fException;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.toolkit.ImageData;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every image the client downloads, in one place. A caller's image URL (for a provider that takes bytes, see
 * {@link io.g4f.client.spi.ProviderContext#imageData}) is checked where it is connected to: its host, and each
 * redirect's, is resolved once on a worker thread, every address it resolves to must pass {@link ImageUrlGuard},
 * and the connection goes to the address checked (never through the proxy, which would resolve the name
 * again); it fails with {@link InvalidRequestException} (400, code {@value #INVALID_IMAGE_URL}) naming the host. An
 * image URL a provider returned is trusted (the provider is the operator's configuration) and fetched like the
 * provider's own requests, through the call's proxy; it fails with {@link ProviderException}, without naming a
 * host that may be internal. Both follow at most {@value #MAX_REDIRECTS} redirects, read at most
 * {@value #MAX_BYTES} bytes, end after the connect and idle timeouts, and accept only a known image format.
 */
final class ImageDownloads {

  /** The largest image downloaded: {@value} bytes (20 MiB, OpenAI's limit for an image input). */
  static final long MAX_BYTES = 20L * 1024 * 1024;
  /** The most redirects followed: {@value}. */
  static final int MAX_REDIRECTS = 5;
  /** The error code of a caller's image URL that is refused or cannot be downloaded: {@value} (OpenAI's). */
  static final String INVALID_IMAGE_URL = "invalid_image_url";

  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
  private static final String FORMATS = "PNG, JPEG, GIF, WebP, BMP, TIFF, HEIC or AVIF";

  /** Downloaded bytes, a known image format. */
  record Image(Buffer bytes, String mimeType) {
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final ImageUrlGuard guard;
  private final long connectTimeout;
  private final long idleTimeout;

  ImageDownloads(Vertx vertx, HttpClient http, ImageUrlGuard guard, long connectTimeout, long idleTimeout) {
    this.vertx = vertx;
    this.http = http;
    this.guard = guard;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
  }

  /** The image at a caller's {@code url}, its host and redirects checked; the request is reset on {@code cancellation}. */
  Future<Image> callerImage(String url, String provider, Future<Void> cancellation) {
    return new Download(true, provider, null, cancellation).start(url);
  }

  /** The image at the {@code url} {@code provider} returned, through {@code proxy}. */
  Future<Image> providerImage(String url, String provider, @Nullable ProxyOptions proxy, Future<Void> cancellation) {
    return new Download(false, provider, proxy, cancellation).start(url);
  }

  private static String tooLarge() {
    return "it is larger than " + MAX_BYTES / (1024 * 1024) + " MiB";
  }

  /** One download, hop by hop. */
  private final class Download {

    private final boolean caller;
    private final String provider;
    private final @Nullable ProxyOptions proxy;
    private final Future<Void> cancellation;

    Download(boolean caller, String provider, @Nullable ProxyOptions proxy, Future<Void> cancellation) {
      this.caller = caller;
      this.provider = provider;
      this.proxy = proxy;
      this.cancellation = cancellation;
    }

    Future<Image> start(String url) {
      try {
        return get(new URI(url), 0);
      } catch (URISyntaxException e) {
        return failure(null, "it is not a valid URL", e);
      }
    }

    private Future<Image> get(URI uri, int redirects) {
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String host = uri.getHost();
      if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
        return failure(null, redirects == 0 ? "it is not an http(s) URL with a host"
            : "it redirects to a URL that is not http(s) with a host", null);
      }
      boolean tls = scheme.equals("https");
      int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setSsl(tls)
          .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery()).setFollowRedirects(false)
          .setConnectTimeout(connectTimeout).setIdleTimeout(idleTimeout)
          .putHeader(HttpHeaders.USER_AGENT, AbstractProvider.USER_AGENT);
      Future<RequestOptions> target = caller
          ? checked(host).map(address -> request.setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress())))
          : Future.succeededFuture(request.setProxyOptions(proxy));
      return target.compose(ready -> http.request(ready).compose(sent -> {
        cancellation.onComplete(cancelled -> sent.reset());
        return sent.send().compose(response -> answer(uri, redirects, sent, response));
      }).recover(failure -> failure instanceof G4fException ? Future.failedFuture(failure)
          : failure(host, "the request failed" + (caller ? " (" + failure.getMessage() + ")" : ""), failure)));
    }

    /** Every address {@code host} resolves to, checked; the first of them, to connect to. */
    private Future<InetAddress> checked(String host) {
      String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      return vertx.executeBlocking(() -> InetAddress.getAllByName(bare), false)
          .recover(failure -> failure(host, "the host cannot be resolved", failure))
          .compose(addresses -> {
            for (InetAddress address : addresses) {
              String refusal = guard.allowsName(bare) ? null : guard.refusal(address);
              if (refusal != null) {
                boolean literal = bare.contains(":") || address.getHostAddress().equals(bare);
                String what = literal ? "is " + refusal
                    : "resolves to " + address.getHostAddress() + ", " + refusal;
                return Future.failedFuture(invalid("The image URL's host " + host + " " + what
                    + ", which image URLs may not reach (allowedPrivateImageHosts names the private hosts they may)",
                    null));
              }
            }
            return Future.succeededFuture(addresses[0]);
          });
    }

    private Future<Image> answer(URI uri, int redirects, HttpClientRequest request, HttpClientResponse response) {
      int status = response.statusCode();
      String location = response.getHeader(HttpHeaders.LOCATION);
      if (REDIRECTS.contains(status) && location != null) {
        request.reset();
        if (redirects == MAX_REDIRECTS) {
          return failure(uri.getHost(), "it redirects more than " + MAX_REDIRECTS + " times", null);
        }
        try {
          return get(uri.resolve(new URI(location)), redirects + 1);
        } catch (URISyntaxException e) {
          return failure(uri.getHost(), "it redirects to a malformed URL", e);
        }
      }
      if (status / 100 != 2) {
        request.reset();
        return failure(uri.getHost(), "HTTP " + status, null);
      }
      String type = response.getHeader(HttpHeaders.CONTENT_TYPE);
      String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!mediaType.isEmpty() && !mediaType.startsWith("image/") && !mediaType.equals("application/octet-stream")) {
        request.reset();
        return failure(uri.getHost(), "its content type is " + mediaType + ", not an image", null);
      }
      String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BYTES) {
        request.reset();
        return failure(uri.getHost(), tooLarge(), null);
      }
      return read(uri, request, response).compose(bytes -> {
        String mime = ImageData.sniff(bytes.getBytes());
        return mime != null ? Future.succeededFuture(new Image(bytes, mime))
            : failure(uri.getHost(), "it is not a " + FORMATS + " image", null);
      });
    }

    /** The body, at most {@link #MAX_BYTES}; the request is reset as soon as it is more. */
    private Future<Buffer> read(URI uri, HttpClientRequest request, HttpClientResponse response) {
      Promise<Buffer> read = Promise.promise();
      Buffer bytes = Buffer.buffer();
      response.handler(chunk -> {
        if (read.future().isComplete()) {
          return;
        }
        if (bytes.length() + chunk.length() > MAX_BYTES) {
          read.fail(failureOf(uri.getHost(), tooLarge(), null));
          request.reset();
        } else {
          bytes.appendBuffer(chunk);
        }
      });
      response.exceptionHandler(failure -> read.tryFail(failureOf(uri.getHost(), "the download failed"
          + (caller ? " (" + failure.getMessage() + ")" : ""), failure)));
      response.endHandler(end -> read.tryComplete(bytes));
      return read.future();
    }

    private <T> Future<T> failure(@Nullable String host, String why, @Nullable Throwable cause) {
      return Future.failedFuture(failureOf(host, why, cause));
    }

    /** A caller's URL: 400 naming {@code host}; a provider's: a provider failure that names no host. */
    private G4fException failureOf(@Nullable String host, String why, @Nullable Throwable cause) {
      return caller ? invalid("Cannot download the image" + (host == null ? "" : " from " + host) + ": " + why, cause)
          : new ProviderException(provider + " returned an image URL that could not be downloaded: " + why,
              new ErrorDetails().provider(provider).cause(cause));
    }

    private InvalidRequestException invalid(String message, @Nullable Throwable cause) {
      return new InvalidRequestException(message, new ErrorDetails().status(400).provider(provider)
          .type("invalid_request_error").code(INVALID_IMAGE_URL).cause(cause));
    }
  }
}
