package io.g4f.client.impl;

import io.g4f.client.spi.toolkit.AbstractProvider;
import io.g4f.client.spi.toolkit.ImageData;
import io.g4f.client.ImageGenerationRequest;
import io.g4f.client.ImagesResponse;
import io.g4f.client.InvalidRequestException;
import io.g4f.client.ProviderException;
import io.g4f.client.spi.ProviderContext;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Gives every image the format that was asked, whatever the provider returned: bytes wanted as a URL
 * are written under the images directory and returned as a {@code file:} URI; a URL wanted as
 * {@code b64_json} is downloaded (or decoded, for a {@code data:} URI) and encoded. A {@code file:} URL
 * is read only inside the images directory, so a provider cannot make the client read other files.
 */
final class ImageFormats {

  private ImageFormats() {
  }

  static Future<ImagesResponse> convert(ProviderContext context, String provider, ImagesResponse response,
                                        String format, String imagesDir) {
    List<Future<ImagesResponse.Image>> images = new ArrayList<>();
    for (ImagesResponse.Image image : response.getData()) {
      images.add(ImageGenerationRequest.B64_JSON.equals(format)
          ? toBase64(context, provider, image, imagesDir)
          : toUrl(context, image, imagesDir));
    }
    return Future.all(images).map(all -> {
      List<ImagesResponse.Image> converted = new ArrayList<>(images.size());
      images.forEach(image -> converted.add(image.result()));
      return response.setData(converted);
    });
  }

  private static Future<ImagesResponse.Image> toUrl(ProviderContext context, ImagesResponse.Image image,
                                                    String imagesDir) {
    if (image.getUrl() != null || image.getB64Json() == null) {
      return Future.succeededFuture(image.setB64Json(null));
    }
    byte[] bytes = Base64.getMimeDecoder().decode(image.getB64Json());
    String file = Path.of(imagesDir, System.currentTimeMillis() + "_" + UUID.randomUUID().toString().substring(0, 8)
        + "." + ImageData.extension(ImageData.sniff(bytes))).toAbsolutePath().toString();
    return context.vertx().fileSystem().mkdirs(imagesDir)
        .compose(v -> context.vertx().fileSystem().writeFile(file, Buffer.buffer(bytes)))
        .map(v -> image.setUrl(Path.of(file).toUri().toString()).setB64Json(null));
  }

  private static Future<ImagesResponse.Image> toBase64(ProviderContext context, String provider,
                                                       ImagesResponse.Image image, String imagesDir) {
    String url = image.getUrl();
    if (image.getB64Json() != null || url == null) {
      return Future.succeededFuture(image.setUrl(null));
    }
    Future<Buffer> bytes;
    if (url.startsWith("data:")) {
      ImageData.DataUri data = ImageData.dataUri(url);
      if (data == null) {
        return Future.failedFuture(new InvalidRequestException(provider + " returned a data: URI that is not base64",
            0, provider));
      }
      return Future.succeededFuture(image.setB64Json(data.base64()).setUrl(null));
    } else if (url.startsWith("file:")) {
      Path file = Path.of(java.net.URI.create(url)).toAbsolutePath().normalize();
      if (!file.startsWith(Path.of(imagesDir).toAbsolutePath().normalize())) {
        return Future.failedFuture(new ProviderException(provider
            + " returned a file: URL outside the images directory; it is not read", 0, provider));
      }
      bytes = context.vertx().fileSystem().readFile(file.toString());
    } else {
      bytes = context.send(HttpMethod.GET, url, MultiMap.caseInsensitiveMultiMap()
          .add(HttpHeaders.USER_AGENT, AbstractProvider.USER_AGENT), null);
    }
    return bytes.map(buffer -> image.setB64Json(Base64.getEncoder().encodeToString(buffer.getBytes())).setUrl(null));
  }
}
