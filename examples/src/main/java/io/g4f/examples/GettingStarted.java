package io.g4f.examples;

import io.g4f.client.AsyncClient;
import io.g4f.client.ClientOptions;
import io.g4f.client.chat.ChatCompletionRequest;
import io.vertx.core.Promise;

public class GettingStarted {

  public static void main(String[] args) {
    // Any OpenAI-compatible server: OPENAI_BASE_URL (unset: api.openai.com) with OPENAI_API_KEY.
    AsyncClient client = AsyncClient.create(new ClientOptions()
        .setBaseUrl(System.getenv("OPENAI_BASE_URL"))
        .setProxy(System.getenv("G4F_PROXY")));      // optional: http://user:pass@host:3128 or socks5://...

    client.chat().completions()
        .create(ChatCompletionRequest.of("gpt-4o-mini", "say this is a test"))
        .onSuccess(completion -> System.out.println(completion.text()))
        .compose(answered -> client.chat().completions()
            .stream(ChatCompletionRequest.of("gpt-4o-mini", "say this is a test")))
        .compose(stream -> {
          Promise<Void> ended = Promise.promise();
          stream.exceptionHandler(ended::fail).endHandler(ended::complete)
              .handler(chunk -> System.out.print(chunk.text()));
          return ended.future();
        })
        .onSuccess(ended -> System.out.println())
        .onFailure(failure -> System.err.println("Error: " + failure.getMessage()))
        .eventually(client::close);                  // closes its own Vert.x too, so main returns and the JVM exits
  }
}
