package io.g4f.examples;

import io.g4f.client.images.ImageGenerationRequest;

/** The seed's "Base64 as the response format". */
public final class ImageGenerationBase64 {

  private ImageGenerationBase64() {
  }

  /** Generates one image and prints it base64-encoded. */
  public static void main(String[] args) {
    Example.run(client -> client.images()
        .generate(ImageGenerationRequest.of(Example.imageModel("dall-e-3"), "a white siamese cat")
            .setResponseFormat(ImageGenerationRequest.B64_JSON))
        .onSuccess(response -> System.out.println(response.getData().get(0).getB64Json())));
  }
}
