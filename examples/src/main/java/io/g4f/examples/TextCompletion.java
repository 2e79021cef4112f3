package io.g4f.examples;

import io.g4f.client.chat.ChatCompletionRequest;

/** The seed's "Text Completions". */
public final class TextCompletion {

  private TextCompletion() {
  }

  /** Prints {@code choices[0].message.content} of one completion. */
  public static void main(String[] args) {
    Example.run(client -> client.chat().completions()
        .create(new ChatCompletionRequest()
            .setModel(Example.model("gpt-3.5-turbo"))
            .addUserMessage("say this is a test"))
        .onSuccess(response -> System.out.println(response.getChoices().get(0).getMessage().getContent())));
  }
}
