package io.g4f.server.api.embeddings;

import io.g4f.client.AsyncClient;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.embeddings.EmbeddingRequest;
import io.g4f.client.embeddings.EmbeddingsResponse;
import io.g4f.server.observability.AttemptSpan;
import io.g4f.server.pipeline.Call;
import io.g4f.server.pipeline.JsonApi;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Target;
import io.vertx.core.Future;
import java.util.Objects;

/**
 * Embeddings, OpenAI's {@code POST /v1/embeddings} and {@code PREFIX.embeddings}: the body checked field by field (a
 * 400 naming the field), routed as chat is (providers named, model groups, fallback); the answer is OpenAI's
 * embeddings list, each vector as {@code encoding_format} asks.
 */
public final class EmbeddingsApi extends JsonApi<EmbeddingRequest, EmbeddingsResponse, Void> {

  /** The HTTP route. */
  public static final String PATH = "/v1/embeddings";

  /** The embeddings API. */
  public EmbeddingsApi() {
    super("embeddings", EmbeddingRequest.class, EmbeddingRequest::getModel);
  }

  @Override
  public ModelRouter.Route route(Call<EmbeddingRequest, EmbeddingsResponse, Void> call, ModelRouter router,
                                 String named) {
    return router.route(named, call.request().getModel(), call.request());
  }

  @Override
  public Future<EmbeddingsResponse> whole(Call<EmbeddingRequest, EmbeddingsResponse, Void> call, Target target,
                                         AsyncClient client, DirectCallOptions options, AttemptSpan span) {
    EmbeddingRequest request = call.request();
    return client.embeddings().create(Objects.equals(request.getModel(), target.model()) ? request
            : request.copy().setModel(target.model()), options)
        .map(embeddings -> {
          call.used(embeddings.getUsage());
          return embeddings.setProvider(target.provider());
        });
  }

}
