package io.g4f.client.spi;

import io.g4f.client.CancellableStream;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.spi.toolkit.ChunkDecoder;
import io.g4f.client.spi.toolkit.ErrorReader;
import io.g4f.client.spi.toolkit.ImageData;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.g4f.client.spi.toolkit.SseParser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Provider} needs for one attempt of one call: its credentials and base URL, and HTTP on the
 * client's shared connection pool with the call's proxy, timeouts, headers and cancellation already applied.
 *
 * <p>{@link #stream} and {@link #send} are the two ways a provider talks HTTP ({@link #events} relays a stream
 * unchanged); all add the caller's
 * {@link #headers()} after the provider's own, map a non-2xx answer with the provider's {@link ErrorReader}
 * (by default {@link ProviderErrors#fromResponse}) and a transport failure with
 * {@link ProviderErrors#fromTransport}, mask the API key in every message they make, and reset
 * the request when {@link #cancellation()} completes. The other accessors are for a provider that speaks a
 * protocol these two do not cover with {@link #httpClient()} itself; it must then honour them alike.
 */
public interface ProviderContext {

  /** The client's Vert.x instance. */
  Vertx vertx();

  /** The name errors and chunks are attributed to: the provider's, as the client knows it. */
  String providerName();

  /** The API key to send, or null. */
  @Nullable String apiKey();

  /** The base URL to use instead of the provider's own, or null. */
  @Nullable String baseUrl();

  /**
   * Sends a request whose 2xx answer is read as a stream: the response's body goes through the decoder
   * {@code decoders} picks for it (by content type, say), with backpressure, and ends or fails the stream
   * exactly once. The stream fails when the provider is silent longer than the idle timeout.
   *
   * @param request method, absolute URI and the provider's headers; the call's proxy and connect timeout are set here
   * @param body the request body, or null for none
   */
  default Future<ChatCompletionStream> stream(RequestOptions request, @Nullable Buffer body,
                                              Function<HttpClientResponse, ChunkDecoder> decoders) {
    return stream(request, body, decoders, commonErrors());
  }

  /** As {@link #stream(RequestOptions, Buffer, Function)}, with a non-2xx answer read by {@code errors}. */
  Future<ChatCompletionStream> stream(RequestOptions request, @Nullable Buffer body,
                                      Function<HttpClientResponse, ChunkDecoder> decoders, ErrorReader errors);

  /**
   * Sends a request whose 2xx answer is a {@code text/event-stream} relayed unchanged, event by event, as
   * {@link #stream} reads a stream (backpressure, idle timeout, exactly one end or failure). {@code last} reads each
   * event before it is delivered: true for the protocol's end marker (delivered, and the stream ends), a thrown
   * {@link io.g4f.client.errors.G4fException} for an error event (the stream fails); a body that ends before the marker
   * fails the stream as truncated.
   */
  Future<CancellableStream<SseParser.Event>> events(RequestOptions request, @Nullable Buffer body,
                                                    Predicate<SseParser.Event> last);

  /**
   * Sends a request whose answer is read whole (a non-streamed completion, images, a download): the body of
   * a 2xx answer, redirects followed. It has no idle timeout: a whole answer may be silent while it is made;
   * the call's total timeout bounds it (and cancels it through {@link #cancellation()}).
   *
   * @param headers the provider's headers
   * @param body the request body, or null for none
   */
  default Future<Buffer> send(HttpMethod method, String url, MultiMap headers, @Nullable Buffer body) {
    return send(method, url, headers, body, commonErrors());
  }

  /** As {@link #send(HttpMethod, String, MultiMap, Buffer)}, with a non-2xx answer read by {@code errors}. */
  Future<Buffer> send(HttpMethod method, String url, MultiMap headers, @Nullable Buffer body, ErrorReader errors);

  /**
   * The image a caller gave as {@code url}, for a provider whose API takes image bytes rather than URLs: a base64
   * {@code data:} URI as it is, an {@code http(s)} URL downloaded by the client (at most 5 redirects and 20 MiB, a
   * PNG, JPEG, GIF, WebP, BMP, TIFF, HEIC or AVIF image). The download reaches public addresses only: a host that
   * is, or resolves to, a loopback, link-local, private, unspecified, multicast or reserved address, at the URL or
   * at a redirect, is refused unless {@link io.g4f.client.ClientOptions#getAllowedPrivateImageHosts()} allows it;
   * the check is made on the address connected to. Any failure is an
   * {@link io.g4f.client.errors.InvalidRequestException} (400, code {@code invalid_image_url}) naming the host and why.
   */
  Future<ImageData.DataUri> imageData(String url);

  /** The client's pooled HTTP client, for protocols {@link #stream} and {@link #send} do not cover. */
  HttpClient httpClient();

  /** The proxy for this call, or null for a direct connection. */
  @Nullable ProxyOptions proxy();

  /** The connect timeout for this call, in ms. */
  long connectTimeout();

  /** The longest silence allowed from the provider while a stream is read, in ms. */
  long idleTimeout();

  /** Headers the caller asked to send with this call (empty for none), after the provider's own. */
  MultiMap headers();

  /** Completes when the client gives up on this call (a timeout, a caller who left); the request is then closed. */
  Future<@Nullable Void> cancellation();

  /** The error dialects {@link ProviderErrors#fromResponse} reads, attributed to this call's provider. */
  private ErrorReader commonErrors() {
    return (status, headers, body) -> ProviderErrors.fromResponse(providerName(), status, headers, body, apiKey());
  }
}
