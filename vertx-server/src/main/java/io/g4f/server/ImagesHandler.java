package io.g4f.server;

import io.g4f.client.errors.G4fException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.spi.toolkit.Json;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * {@code POST /v1/images/generations}: images as {@code url} or {@code b64_json}, as asked. A {@code url} is this
 * gateway's own {@code /images/{file}} ({@link ImageFiles}), whatever the upstream returned: bytes, or a URL the
 * client downloaded; an upstream image that cannot be downloaded is a 502.
 */
final class ImagesHandler implements Handler<RoutingContext> {

  private final Upstreams upstreams;
  private final Access access;
  private final ImageFiles imageFiles;
  private final GatewayMetrics metrics;

  ImagesHandler(Upstreams upstreams, Access access, ImageFiles imageFiles, GatewayMetrics metrics) {
    this.upstreams = upstreams;
    this.access = access;
    this.metrics = metrics;
    this.imageFiles = imageFiles;
  }

  @Override
  public void handle(RoutingContext context) {
    ImageGenerationRequest request = RequestBodies.decode(context, ImageGenerationRequest.class);
    if (request == null) {
      return;
    }
    AccessLog.model(context, request.getModel());
    Upstreams.Upstream upstream;
    try {
      upstream = upstreams.forImages(null, request);
    } catch (G4fException e) {
      OpenAiErrors.send(context.response(), OpenAiErrors.of(e));
      return;
    }
    access.admit(context.get(Caller.CONTEXT_KEY), request.getModel())
        .compose(admitted -> upstream.client().images().generate(request, ChatCompletionsHandler.upstreamOptions(context))
            .onFailure(failure -> metrics.upstreamError(upstream.name(), failure)))
        .compose(images -> imageFiles.serve(images, baseUrl(context)))
        .onSuccess(images -> context.response().putHeader("content-type", "application/json")
            .end(Json.encode(images)))
        .onFailure(failure -> OpenAiErrors.send(context.response(), OpenAiErrors.of(failure)));
  }

  private static String baseUrl(RoutingContext context) {
    URI request = URI.create(context.request().absoluteURI());
    return request.getScheme() + "://" + request.getRawAuthority();
  }
}
