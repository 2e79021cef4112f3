package io.g4f.client.impl;

import io.g4f.client.ChatCompletionRequest;
import io.g4f.client.ChatMessage;
import io.g4f.client.ContentPart;
import io.g4f.client.ImageInput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** Turns a request's {@link ChatCompletionRequest#getImages() images} into {@code image_url} content parts. */
final class VisionInputs {

  private VisionInputs() {
  }

  /**
   * The request to send: {@code request} itself when it has no images, else a copy whose last user
   * message carries one {@code image_url} part per image (a user message is added if there is none).
   */
  static Future<ChatCompletionRequest> attach(Vertx vertx, ChatCompletionRequest request) {
    List<ImageInput> images = request.getImages();
    if (images == null || images.isEmpty()) {
      return Future.succeededFuture(request);
    }
    List<Future<String>> urls = new ArrayList<>(images.size());
    for (ImageInput image : images) {
      urls.add(image.toUrl(vertx));
    }
    return Future.all(urls).map(all -> {
      ChatCompletionRequest copy = request.copy().setImages(null);
      ChatMessage target = null;
      for (ChatMessage message : copy.getMessages()) {
        if (ChatMessage.USER.equals(message.getRole())) {
          target = message;
        }
      }
      if (target == null) {
        target = new ChatMessage().setRole(ChatMessage.USER);
        copy.addMessage(target);
      }
      for (Future<String> url : urls) {
        target.addContentPart(ContentPart.imageUrl(url.result()));
      }
      return copy;
    });
  }
}
