package io.g4f.server.pipeline;

import io.vertx.core.Future;

/**
 * Stage: the body as the API's request and the exchange's settings (timeout, request id, cancellation); a body or
 * setting that does not fit fails with 400 naming it. The model asked for goes in the access log.
 */
final class Decode implements Stage {

  @Override
  public <Q, A, E> Future<Reply<A, E>> handle(Call<Q, A, E> call, Chain chain) {
    Exchange exchange = call.exchange();
    call.request(call.api().decode(call, exchange.body()));
    exchange.entry().model(call.model());
    call.options(exchange.options(call.streamed()));
    return chain.proceed(call);
  }
}
