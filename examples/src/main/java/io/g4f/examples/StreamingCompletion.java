package io.g4f.examples;

import io.g4f.client.chat.ChatCompletionRequest;
import io.vertx.core.Promise;

/** The seed's "Streaming Completions": each delta printed as it arrives. */
public final class StreamingCompletion {

  private StreamingCompletion() {
  }

  /** Streams one answer to standard output. */
  public static void main(String[] args) {
    Example.run(client -> client.chat().completions()
        .stream(ChatCompletionRequest.of(Example.model("gpt-4"), "say this is a test"))
        .compose(stream -> {
          Promise<Void> done = Promise.promise();
          stream.exceptionHandler(done::fail);
          stream.endHandler(v -> {
            System.out.println();
            done.complete();
          });
          stream.handler(chunk -> {
            if (!chunk.getChoices().isEmpty() && chunk.getChoices().get(0).getDelta().getContent() != null) {
              System.out.print(chunk.getChoices().get(0).getDelta().getContent());
              System.out.flush();
            }
          });
          return done.future();
        }));
  }
}
