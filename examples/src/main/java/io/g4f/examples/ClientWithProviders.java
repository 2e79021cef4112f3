package io.g4f.examples;

import io.g4f.client.chat.ChatCompletionRequest;

/** The seed's "Initializing the Client": a client with a chat provider and an image provider. */
public final class ClientWithProviders {

  private ClientWithProviders() {
  }

  /** Asks the chat provider one question and prints the answer. */
  public static void main(String[] args) {
    Example.run(Example.options().setProvider("OpenaiChat").setImageProvider("Gemini"), client ->
        client.chat().completions().create(ChatCompletionRequest.of(Example.model("gpt-4o-mini"), "say this is a test"))
            .onSuccess(response -> System.out.println(response.getChoices().get(0).getMessage().getContent())));
  }
}
