package io.g4f.client.impl;

import io.g4f.client.ChatCompletionStream;
import io.g4f.client.spi.ProviderContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.HttpRequest;
import java.util.function.Function;

/** The two ways providers talk HTTP: a streamed answer read with backpressure, and a whole-body call. */
public final class HttpCalls {

  private HttpCalls() {
  }

  /** {@code path} appended to {@code base}, with one slash between them whether or not {@code base} ends in one. */
  public static String url(String base, String path) {
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
  }

  /**
   * Sends {@code body} and, on a 2xx answer, streams the response through the decoder the
   * response selects (by content type, say). A non-2xx answer fails with the mapped
   * {@link io.g4f.client.G4fException}; so does a transport failure.
   */
  public static Future<ChatCompletionStream> stream(ProviderContext context, String provider, RequestOptions options,
                                                    Buffer body,
                                                    Function<HttpClientResponse, ChunkDecoder> decoders) {
    options.setConnectTimeout(context.connectTimeout()).setProxyOptions(context.proxy());
    context.headers().forEach(options::putHeader);
    return context.httpClient().request(options)
        .compose(request -> {
          context.cancellation().onComplete(v -> request.reset());
          return request.send(body).compose(response -> {
            if (response.statusCode() / 100 == 2) {
              return Future.<ChatCompletionStream>succeededFuture(
                  new HttpChunkStream(request, response, decoders.apply(response), provider, context.apiKey()));
            }
            return response.body().transform(read -> Future.failedFuture(Errors.fromResponse(provider,
                response.statusCode(), response.headers(), read.succeeded() ? read.result() : null,
                context.apiKey())));
          });
        })
        .recover(failure -> Future.failedFuture(Errors.fromTransport(provider, failure, context.apiKey())));
  }

  /**
   * A call whose answer is read whole (JSON calls, image downloads): the body on 2xx, else the mapped
   * failure. Redirects are followed.
   */
  public static Future<Buffer> call(ProviderContext context, String provider, HttpMethod method, String url,
                                    MultiMap headers, Buffer body) {
    HttpRequest<Buffer> request = context.webClient().requestAbs(method, url)
        .putHeaders(headers)
        .putHeaders(context.headers())
        .followRedirects(true)
        .connectTimeout(context.connectTimeout())
        .idleTimeout(context.idleTimeout());
    if (context.proxy() != null) {
      request.proxy(context.proxy());
    }
    return (body == null ? request.send() : request.sendBuffer(body))
        .recover(failure -> Future.failedFuture(Errors.fromTransport(provider, failure, context.apiKey())))
        .compose(response -> response.statusCode() / 100 == 2
            ? Future.succeededFuture(response.body() == null ? Buffer.buffer() : response.body())
            : Future.failedFuture(Errors.fromResponse(provider, response.statusCode(), response.headers(),
                response.body(), context.apiKey())));
  }
}
