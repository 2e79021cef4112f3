package io.g4f.examples;

import io.g4f.client.images.ImageGenerationRequest;

/** The seed's "Image Generation": the image as a URL. */
public final class ImageGenerationUrl {

  private ImageGenerationUrl() {
  }

  /** Generates one image and prints its URL. */
  public static void main(String[] args) {
    Example.run(client -> client.images()
        .generate(ImageGenerationRequest.of(Example.imageModel("dall-e-3"), "a white siamese cat"))
        .onSuccess(response -> System.out.println("Generated image URL: " + response.getData().get(0).getUrl())));
  }
}
