package io.g4f.examples;

import io.g4f.client.chat.ChatCompletionRequest;

/**
 * The seed's "Configuration": an API key and a proxy for all outgoing requests. The proxy comes from
 * {@code G4F_PROXY} (e.g. {@code http://user:pass@host:3128}), so the example also runs without one.
 */
public final class Configuration {

  private Configuration() {
  }

  /** Asks one question through the configured key and proxy and prints the answer. */
  public static void main(String[] args) {
    Example.run(Example.options()
            .setApiKey(System.getenv().getOrDefault("OPENAI_API_KEY", "your_api_key_here"))
            .setProxy(System.getenv("G4F_PROXY")),
        client -> client.chat().completions()
            .create(ChatCompletionRequest.of(Example.model("gpt-4o-mini"), "say this is a test"))
            .onSuccess(response -> System.out.println(response.getChoices().get(0).getMessage().getContent())));
  }
}
