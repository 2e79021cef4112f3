package io.g4f.server.api.models;

import io.g4f.client.AsyncClient;
import io.g4f.client.DirectCallOptions;
import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.ModelNotFoundException;
import io.g4f.server.access.Access;
import io.g4f.server.observability.AttemptSpan;
import io.g4f.server.pipeline.Api;
import io.g4f.server.pipeline.Call;
import io.g4f.server.routing.Listings;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Target;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The model listing, {@code GET /v1/models}, {@code GET /v1/models/{id}} and {@code PREFIX.models}: each model a provider lists and each model group ({@link Listings#models}),
 * answered by the gateway itself and not counted against a caller's limits. A team key with {@code models} sees those
 * only; another model is a 404 to it, as if it did not exist.
 */
public final class ModelsApi implements Api<String, JsonObject, Void> {

  private final Listings listings;
  private final Access access;

  public ModelsApi(Listings listings, Access access) {
    this.listings = listings;
    this.access = access;
  }

  @Override
  public String operation() {
    return "models";
  }

  /** The id of the one model asked for, or null for the list. */
  @Override
  public String decode(Call<String, JsonObject, Void> call, Buffer body) {
    return call.exchange().pathParam("id");
  }

  @Override
  public String model(String id) {
    return id;
  }

  @Override
  public boolean limited() {
    return false;
  }

  @Override
  public ModelRouter.Route route(Call<String, JsonObject, Void> call, ModelRouter router, String named) {
    return null;
  }

  @Override
  public Future<JsonObject> local(Call<String, JsonObject, Void> call) {
    String id = call.request();
    if (id == null) {
      JsonArray listed = new JsonArray();
      listings.models().forEach(model -> {
        if (access.lists(call.caller(), ((JsonObject) model).getString("id"))) {
          listed.add(model);
        }
      });
      return Future.succeededFuture(new JsonObject().put("object", "list").put("data", listed));
    }
    JsonObject model = access.lists(call.caller(), id) ? listings.model(id) : null;
    return model != null ? Future.succeededFuture(model) : Future.failedFuture(new ModelNotFoundException(
        "The model '" + id + "' does not exist",
        new ErrorDetails().status(404).type("invalid_request_error").code("model_not_found").param("model")));
  }

  @Override
  public Future<JsonObject> whole(Call<String, JsonObject, Void> call, Target target, AsyncClient client,
                                  DirectCallOptions options, AttemptSpan span) {
    return Future.failedFuture(new IllegalStateException("The model listing has no upstream"));
  }

  @Override
  public Buffer encode(Call<String, JsonObject, Void> call, JsonObject answer) {
    return answer.toBuffer();
  }
}
