package io.g4f.client.impl;

import io.g4f.client.spi.ProviderContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.ProxyOptions;
import io.vertx.ext.web.client.WebClient;

/** The {@link ProviderContext} of one attempt. */
record CallContext(Vertx vertx, HttpClient httpClient, WebClient webClient, String apiKey, String baseUrl,
                   ProxyOptions proxy, MultiMap headers, long connectTimeout, long idleTimeout, Future<Void> cancellation)
    implements ProviderContext {
}
