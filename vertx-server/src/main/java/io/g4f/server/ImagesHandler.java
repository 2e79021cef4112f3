package io.g4f.server;

import io.g4f.client.AsyncClient;
import io.g4f.client.ImageGenerationRequest;
import io.g4f.client.impl.Codec;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /v1/images/generations}: images as {@code url} or {@code b64_json}, as asked. */
final class ImagesHandler implements Handler<RoutingContext> {

  private final AsyncClient client;

  ImagesHandler(AsyncClient client) {
    this.client = client;
  }

  @Override
  public void handle(RoutingContext context) {
    ImageGenerationRequest request = RequestBodies.decode(context, ImageGenerationRequest.class);
    if (request == null) {
      return;
    }
    client.images().generate(request)
        .onSuccess(images -> context.response().putHeader("content-type", "application/json")
            .end(Codec.encode(images)))
        .onFailure(failure -> OpenAiErrors.send(context.response(), OpenAiErrors.of(failure)));
  }
}
