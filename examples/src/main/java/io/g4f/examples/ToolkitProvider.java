package io.g4f.examples;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * A provider written with the toolkit, {@link QuillProvider}, used like a built-in one: chosen by its name
 * ({@link java.util.ServiceLoader} finds it), asked for a whole answer, then for a streamed one. The server is
 * the first argument or {@code QUILL_BASE_URL} (else {@link QuillProvider#DEFAULT_BASE_URL}); the key, if any,
 * is {@code QUILL_API_KEY}.
 *
 * <pre>java -cp examples/target/g4f-examples.jar io.g4f.examples.ToolkitProvider http://127.0.0.1:8080/v1</pre>
 */
public final class ToolkitProvider {

  private ToolkitProvider() {
  }

  /** Prints the whole answer and its provider, then the streamed answer as it arrives. */
  public static void main(String[] args) {
    String baseUrl = args.length > 0 ? args[0] : System.getenv("QUILL_BASE_URL");
    Example.run(new ClientOptions().setProvider(QuillProvider.NAME).setBaseUrl(baseUrl), client -> client.chat()
        .completions().create(ChatCompletionRequest.of(null, "say this is a test"))
        .compose(whole -> {
          System.out.println(whole.getChoices().get(0).getMessage().getContent() + " (" + whole.getProvider() + ")");
          return streamed(client);
        }));
  }

  private static Future<Void> streamed(AsyncClient client) {
    return client.chat().completions().stream(ChatCompletionRequest.of(null, "say this is a test"))
        .compose(stream -> {
          Promise<Void> done = Promise.promise();
          stream.exceptionHandler(done::fail);
          stream.endHandler(v -> {
            System.out.println();
            done.complete();
          });
          stream.handler(chunk -> {
            String content = chunk.getChoices().isEmpty() ? null : chunk.getChoices().get(0).getDelta().getContent();
            if (content != null) {
              System.out.print(content);
              System.out.flush();
            }
          });
          return done.future();
        });
  }
}
