package io.g4f.server;

import io.g4f.client.G4fException;
import io.g4f.client.ImageGenerationRequest;
import io.g4f.client.ImagesResponse;
import io.g4f.client.spi.toolkit.Json;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.file.Path;

/**
 * {@code POST /v1/images/generations}: images as {@code url} or {@code b64_json}, as asked. Images the
 * client wrote to the images directory are returned as this gateway's {@code /images/{file}} URLs.
 */
final class ImagesHandler implements Handler<RoutingContext> {

  private final Upstreams upstreams;
  private final Access access;
  private final Path imagesDir;
  private final GatewayMetrics metrics;

  ImagesHandler(Upstreams upstreams, Access access, String imagesDir, GatewayMetrics metrics) {
    this.upstreams = upstreams;
    this.access = access;
    this.metrics = metrics;
    this.imagesDir = Path.of(imagesDir).toAbsolutePath().normalize();
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
        .compose(admitted -> upstream.client().images().generate(request)
            .onFailure(failure -> metrics.upstreamError(upstream.name(), failure)))
        .onSuccess(images -> context.response().putHeader("content-type", "application/json")
            .end(Json.encode(servedFrom(images, imagesDir, baseUrl(context)))))
        .onFailure(failure -> OpenAiErrors.send(context.response(), OpenAiErrors.of(failure)));
  }

  private static String baseUrl(RoutingContext context) {
    URI request = URI.create(context.request().absoluteURI());
    return request.getScheme() + "://" + request.getRawAuthority();
  }

  /** {@code images} with each image written to {@code imagesDir} turned into {@code baseUrl/images/{file}}. */
  static ImagesResponse servedFrom(ImagesResponse images, Path imagesDir, String baseUrl) {
    String base = baseUrl + GatewayVerticle.IMAGES_PATH;
    for (ImagesResponse.Image image : images.getData()) {
      if (image.getUrl() != null && image.getUrl().startsWith("file:")) {
        Path file = Path.of(URI.create(image.getUrl())).toAbsolutePath().normalize();
        if (imagesDir.equals(file.getParent())) {
          image.setUrl(base + file.getFileName());
        }
      }
    }
    return images;
  }
}
