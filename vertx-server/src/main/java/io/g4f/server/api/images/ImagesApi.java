package io.g4f.server.api.images;

import io.g4f.client.AsyncClient;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.server.observability.AttemptSpan;
import io.g4f.server.pipeline.Call;
import io.g4f.server.pipeline.JsonApi;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Target;
import io.vertx.core.Future;

/**
 * Image generations, {@code POST /v1/images/generations} and {@code PREFIX.images.generate}: by the one provider the
 * call names ({@code x-g4f-provider}, the event-bus {@code provider} header or the body's {@code provider}), else the
 * image provider; images as {@code url} or {@code b64_json}, as asked. A {@code url} is this gateway's own
 * {@code /images/{file}} ({@link ImageFiles}) at the origin the caller reached it at, whatever the upstream returned:
 * bytes, or a URL the client downloaded; an upstream image that cannot be downloaded is a 502.
 */
public final class ImagesApi extends JsonApi<ImageGenerationRequest, ImagesResponse, Void> {

  /** The HTTP route. */
  public static final String PATH = "/v1/images/generations";

  private final ImageFiles imageFiles;

  /** Image generations whose images are served from {@code imageFiles}. */
  public ImagesApi(ImageFiles imageFiles) {
    super("images", ImageGenerationRequest.class, ImageGenerationRequest::getModel);
    this.imageFiles = imageFiles;
  }

  @Override
  public ModelRouter.Route route(Call<ImageGenerationRequest, ImagesResponse, Void> call, ModelRouter router,
                                 String named) {
    return router.images(named, call.request().getModel(), call.request());
  }

  @Override
  public Future<ImagesResponse> whole(Call<ImageGenerationRequest, ImagesResponse, Void> call, Target target,
                                     AsyncClient client, DirectCallOptions options, AttemptSpan span) {
    return client.images().generate(call.request(), options)
        .compose(images -> imageFiles.serve(images.setProvider(target.provider()), call.exchange().origin()));
  }

}
