package io.g4f.examples;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ImageInput;
import java.nio.file.Path;

/**
 * The seed's "Using a Vision Model": an image file given as the first argument, or the bundled
 * {@code cat.jpeg} read as a stream (the seed's {@code requests.get(...).raw}).
 */
public final class VisionCompletion {

  private VisionCompletion() {
  }

  /** Asks what is on the image and prints the answer. */
  public static void main(String[] args) {
    ImageInput image = args.length > 0
        ? ImageInput.of(Path.of(args[0]))
        : ImageInput.of(VisionCompletion.class.getResourceAsStream("/cat.jpeg"));
    Example.run(client -> client.chat().completions()
        .create(ChatCompletionRequest.of(Example.model("gpt-4o"), "What are on this image?").addImage(image))
        .onSuccess(response -> System.out.println(response.getChoices().get(0).getMessage().getContent())));
  }
}
