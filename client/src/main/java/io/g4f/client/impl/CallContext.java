package io.g4f.client.impl;

import io.g4f.client.CancellableStream;
import io.g4f.client.chat.ChatCompletionStream;
import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.spi.ProviderContext;
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
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ProviderContext} of one attempt: HTTP on the client's pool with the attempt's settings. Its
 * {@code watchdog} (none for image downloads, which have their own timeouts) is the attempt's: a body {@link #send}
 * reads, once its headers are in, must keep coming within the idle timeout (the wait before them is the provider
 * thinking, which only the total timeout bounds, also for a second request of the same attempt).
 */
record CallContext(Vertx vertx, String providerName, HttpClient httpClient, String apiKey, String baseUrl,
                   ProxyOptions proxy, MultiMap headers, long connectTimeout, long idleTimeout, Future<Void> cancellation,
                   ImageDownloads downloads, @Nullable Watchdog watchdog)
    implements ProviderContext {

  @Override
  public Future<ImageData.DataUri> imageData(String url) {
    if (url.startsWith("data:")) {
      ImageData.DataUri data = ImageData.dataUri(url);
      return data != null ? Future.succeededFuture(data) : Future.failedFuture(InvalidRequestException.forParam(
          "An image data: URI must be base64 (data:image/png;base64,...)", providerName, "messages"));
    }
    return downloads.callerImage(url, providerName, cancellation).map(image -> new ImageData.DataUri(
        image.mimeType(), Base64.getEncoder().encodeToString(image.bytes().getBytes())));
  }

  @Override
  public Future<ChatCompletionStream> stream(RequestOptions request, Buffer body,
                                            Function<HttpClientResponse, ChunkDecoder> decoders, ErrorReader errors) {
    return exchange(request, body).compose(exchange -> {
      HttpClientResponse response = exchange.response();
      if (response.statusCode() / 100 != 2) {
        return failure(response, errors);
      }
      ChunkDecoder decoder;
      try {
        decoder = decoders.apply(response);
      } catch (RuntimeException unreadable) {
        response.exceptionHandler(reset -> { }); // the reset below is this failure, reported once, not a second one
        exchange.request().reset();
        return Future.failedFuture(ProviderErrors.fromTransport(providerName, unreadable, apiKey));
      }
      return Future.<ChatCompletionStream>succeededFuture(new HttpStream.Chunks(exchange.request(), response,
          decoder, providerName, apiKey));
    });
  }

  @Override
  public Future<CancellableStream<SseParser.Event>> events(RequestOptions request, Buffer body,
                                                           Predicate<SseParser.Event> last) {
    return exchange(request, body).compose(exchange -> {
      HttpClientResponse response = exchange.response();
      if (response.statusCode() / 100 != 2) {
        return failure(response, (status, headers, read) ->
            ProviderErrors.fromResponse(providerName, status, headers, read, apiKey));
      }
      return Future.<CancellableStream<SseParser.Event>>succeededFuture(new HttpStream.Events(exchange.request(),
          response, last, providerName, apiKey));
    });
  }

  @Override
  public Future<Buffer> send(HttpMethod method, String url, MultiMap providerHeaders, Buffer body,
                             ErrorReader errors) {
    RequestOptions request = new RequestOptions().setMethod(method).setAbsoluteURI(url).setFollowRedirects(true)
        .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(providerHeaders));
    return exchange(request, body).compose(exchange -> {
      HttpClientResponse response = exchange.response();
      if (response.statusCode() / 100 != 2) {
        return failure(response, errors);
      }
      Future<Buffer> answer;
      if (watchdog == null) {
        answer = response.body();
      } else {
        watchdog.bodyStarted();
        response.handler(bytes -> watchdog.active(true));
        answer = response.body().onComplete(read -> watchdog.bodyEnded());
      }
      return answer.recover(failure ->
          Future.failedFuture(ProviderErrors.fromTransport(providerName, failure, apiKey)));
    });
  }

  private record Exchange(HttpClientRequest request, HttpClientResponse response) {
  }

  /** Sends {@code request} with the attempt's proxy, connect timeout and headers; reset when the attempt is cancelled. */
  private Future<Exchange> exchange(RequestOptions request, Buffer body) {
    request.setConnectTimeout(connectTimeout).setProxyOptions(proxy);
    headers.forEach(request::putHeader);
    return httpClient.request(request)
        .compose(sent -> {
          cancellation.onComplete(v -> sent.reset());
          return (body == null ? sent.send() : sent.send(body)).map(response -> new Exchange(sent, response));
        })
        .recover(failure -> Future.failedFuture(ProviderErrors.fromTransport(providerName, failure, apiKey, proxy)));
  }

  private static <T> Future<T> failure(HttpClientResponse response, ErrorReader errors) {
    return response.body().transform(read -> Future.failedFuture(errors.read(response.statusCode(),
        response.headers(), read.succeeded() ? read.result() : null)));
  }
}
