package io.g4f.client.impl;

import io.g4f.client.chat.ChatCompletionRequest;
import io.g4f.client.chat.ChatMessage;
import io.g4f.client.chat.ContentPart;
import io.g4f.client.chat.ImageInput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** Turns a request's {@link ChatCompletionRequest#getImages() images} into {@code image_url} content parts. */
final class VisionInputs {

  private VisionInputs() {
  }

  /**
   * Moves {@code request}'s images into its last user message, one {@code image_url} part each (a
   * user message is added if there is none), and clears them; {@code request} must be the caller's
   * own copy. Succeeds with it once every image is read.
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
      request.setImages(null);
      ChatMessage target = null;
      for (ChatMessage message : request.getMessages()) {
        if (ChatMessage.USER.equals(message.getRole())) {
          target = message;
        }
      }
      if (target == null) {
        target = new ChatMessage().setRole(ChatMessage.USER);
        request.addMessage(target);
      }
      for (Future<String> url : urls) {
        target.addContentPart(ContentPart.imageUrl(url.result()));
      }
      return request;
    });
  }
}
