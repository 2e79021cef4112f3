package io.g4f.examples;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * What every example shares: client options from the environment ({@code OPENAI_BASE_URL},
 * {@code OPENAI_API_KEY}, {@code G4F_IMAGES_DIR}), model overrides ({@code G4F_MODEL},
 * {@code G4F_IMAGE_MODEL}), and running one asynchronous program to its end: exit status 0 on
 * success, 1 with the error message on standard error on failure.
 */
final class Example {

  private Example() {
  }

  /** Options for the OpenAI-compatible server named by the environment. */
  static ClientOptions options() {
    ClientOptions options = new ClientOptions()
        .setBaseUrl(System.getenv("OPENAI_BASE_URL"))
        .setApiKey(System.getenv("OPENAI_API_KEY"));
    String imagesDir = System.getenv("G4F_IMAGES_DIR");
    return imagesDir == null ? options : options.setImagesDir(imagesDir);
  }

  /** {@code G4F_MODEL}, or the model the seed uses. */
  static String model(String seedModel) {
    return System.getenv().getOrDefault("G4F_MODEL", seedModel);
  }

  /** {@code G4F_IMAGE_MODEL}, or the image model the seed uses. */
  static String imageModel(String seedModel) {
    return System.getenv().getOrDefault("G4F_IMAGE_MODEL", seedModel);
  }

  /** Runs {@code program} with a client made from {@link #options()}, then exits. */
  static void run(Function<AsyncClient, Future<?>> program) {
    run(options(), program);
  }

  /** Runs {@code program} with a client made from {@code options}, then exits. */
  static void run(ClientOptions options, Function<AsyncClient, Future<?>> program) {
    Vertx vertx = Vertx.vertx();
    Future<?> done;
    try {
      done = program.apply(AsyncClient.create(vertx, options));
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    exit(vertx, done);
  }

  /** Waits for {@code done}, closes Vert.x and exits: 0 on success, 1 with the error on standard error. */
  static void exit(Vertx vertx, Future<?> done) {
    int status = 0;
    try {
      done.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      System.err.println("Error: " + e.getCause().getMessage());
      status = 1;
    } catch (Exception e) {
      System.err.println("Error: " + e.getMessage());
      status = 1;
    } finally {
      vertx.close();
    }
    System.exit(status);
  }
}
