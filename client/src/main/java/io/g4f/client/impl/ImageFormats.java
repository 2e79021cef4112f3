package io.g4f.client.impl;

import io.g4f.client.errors.InvalidRequestException;
import io.g4f.client.errors.ProviderException;
import io.g4f.client.images.ImageGenerationRequest;
import io.g4f.client.images.ImagesResponse;
import io.g4f.client.spi.toolkit.ImageData;
import io.g4f.client.spi.toolkit.ProviderErrors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Gives every image the format that was asked, whatever the provider returned: bytes wanted as a URL
 * are written under the images directory and returned as a {@code file:} URI (so is a provider's URL when the
 * client {@linkplain io.g4f.client.ClientOptions#isStoreImages() stores images}: downloaded first); a URL wanted as
 * {@code b64_json} is downloaded (or decoded, for a {@code data:} URI) and encoded. Downloads go through
 * {@link ImageDownloads} (the provider's URL is trusted; bounded, images only). A {@code file:} URL is read only
 * inside the images directory, so a provider cannot make the client read other files.
 */
final class ImageFormats {

  private ImageFormats() {
  }

  static Future<ImagesResponse> convert(CallContext context, String provider, ImagesResponse response,
                                        String format, String imagesDir, boolean store) {
    List<Future<ImagesResponse.Image>> images = new ArrayList<>();
    for (ImagesResponse.Image image : response.getData()) {
      images.add(ImageGenerationRequest.B64_JSON.equals(format)
          ? toBase64(context, provider, image, imagesDir)
          : toUrl(context, provider, image, imagesDir, store));
    }
    return Future.all(images).map(all -> {
      List<ImagesResponse.Image> converted = new ArrayList<>(images.size());
      images.forEach(image -> converted.add(image.result()));
      return response.setData(converted);
    });
  }

  private static Future<ImagesResponse.Image> toUrl(CallContext context, String provider, ImagesResponse.Image image,
                                                    String imagesDir, boolean store) {
    String url = image.getUrl();
    if (image.getB64Json() != null && url == null) {
      return decoded(provider, image.getB64Json()).compose(bytes -> write(context, bytes, imagesDir))
          .map(file -> image.setUrl(file).setB64Json(null));
    }
    if (!store || url == null || url.startsWith("file:")) {
      return Future.succeededFuture(image.setB64Json(null));
    }
    return bytes(context, provider, url, imagesDir).compose(bytes -> write(context, bytes, imagesDir))
        .map(file -> image.setUrl(file).setB64Json(null));
  }

  private static Future<ImagesResponse.Image> toBase64(CallContext context, String provider,
                                                       ImagesResponse.Image image, String imagesDir) {
    String url = image.getUrl();
    if (image.getB64Json() != null || url == null) {
      return Future.succeededFuture(image.setUrl(null));
    }
    return bytes(context, provider, url, imagesDir)
        .map(buffer -> image.setB64Json(Base64.getEncoder().encodeToString(buffer.getBytes())).setUrl(null));
  }

  /** The bytes of the image at a provider's {@code url}: a {@code data:} URI, a file of the images directory or a download. */
  private static Future<Buffer> bytes(CallContext context, String provider, String url, String imagesDir) {
    if (url.startsWith("data:")) {
      ImageData.DataUri data = ImageData.dataUri(url);
      return data == null ? Future.failedFuture(new InvalidRequestException(
              provider + " returned a data: URI that is not base64", 0, provider))
          : decoded(provider, data.base64());
    }
    if (url.startsWith("file:")) {
      Path file = Path.of(java.net.URI.create(url)).toAbsolutePath().normalize();
      if (!file.startsWith(Path.of(imagesDir).toAbsolutePath().normalize())) {
        return Future.failedFuture(new ProviderException(provider
            + " returned a file: URL outside the images directory; it is not read", 0, provider));
      }
      return context.vertx().fileSystem().readFile(file.toString());
    }
    return context.downloads().providerImage(url, provider, context.proxy(), context.cancellation())
        .map(ImageDownloads.Image::bytes);
  }

  private static Future<Buffer> decoded(String provider, String base64) {
    try {
      return Future.succeededFuture(Buffer.buffer(Base64.getMimeDecoder().decode(base64)));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(ProviderErrors.malformed(provider, "base64 image", e));
    }
  }

  /** Writes {@code bytes} to a new file of the images directory, named for its time and type; its {@code file:} URI. */
  private static Future<String> write(CallContext context, Buffer bytes, String imagesDir) {
    String file = Path.of(imagesDir, System.currentTimeMillis() + "_" + UUID.randomUUID().toString().substring(0, 8)
        + "." + ImageData.extension(ImageData.sniff(bytes.getBytes()))).toAbsolutePath().toString();
    return context.vertx().fileSystem().mkdirs(imagesDir)
        .compose(v -> context.vertx().fileSystem().writeFile(file, bytes))
        .map(v -> Path.of(file).toUri().toString());
  }
}
