package io.g4f.examples;

import io.g4f.client.chat.ChatCompletion;
import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.vertx.core.Future;

/** The seed's "Example usage with asyncio.gather": a chat and an image started at once. */
public final class ChatAndImageTogether {

  private ChatAndImageTogether() {
  }

  /** Starts both calls, waits for both, prints both. */
  public static void main(String[] args) {
    Example.run(client -> {
      Future<ChatCompletion> chat = client.chat().completions()
          .create(ChatCompletionRequest.of(Example.model("gpt-3.5-turbo"), "Say this is a test"));
      Future<ImagesResponse> image = client.images()
          .generate(ImageGenerationRequest.of(Example.imageModel("dall-e-3"), "a white siamese cat"));
      return Future.all(chat, image).onSuccess(both -> {
        System.out.println("Chat Response:");
        System.out.println(chat.result().getChoices().get(0).getMessage().getContent());
        System.out.println("\nImage Response:");
        System.out.println(image.result().getData().get(0).getUrl());
      });
    });
  }
}
