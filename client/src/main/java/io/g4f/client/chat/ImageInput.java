package io.g4f.client.chat;

import io.g4f.client.ClientOptions;
import io.g4f.client.errors.InvalidRequestException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An image for a vision model (the seed's {@code image=}): bytes, a {@link Buffer}, a file, an
 * {@link InputStream}, an {@code http(s)} URL or a {@code data:} URI. Bytes become a base64
 * {@code data:} URI whose MIME type is sniffed from the bytes (PNG, JPEG, GIF, WebP, BMP, TIFF,
 * HEIC/AVIF); URLs are passed to the provider as they are.
 */
public final class ImageInput {

  private final Object source;

  private ImageInput(Object source) {
    this.source = Objects.requireNonNull(source, "image");
  }

  /** An image from its bytes. */
  public static ImageInput of(byte[] bytes) {
    return new ImageInput(bytes.clone());
  }

  /** An image from a buffer. */
  public static ImageInput of(Buffer bytes) {
    return new ImageInput(bytes.getBytes());
  }

  /** An image file, read without blocking when the request is sent. */
  public static ImageInput of(Path file) {
    return new ImageInput(file);
  }

  /** An image read from a stream, on a worker thread when the request is sent, then closed. Use once. */
  public static ImageInput of(InputStream stream) {
    return new ImageInput(stream);
  }

  /**
   * An {@code http(s)} URL (fetched by the provider; by the client, from public addresses only, for a provider that
   * takes bytes: see {@link ClientOptions#getAllowedPrivateImageHosts()}) or a {@code data:} URI.
   */
  public static ImageInput ofUrl(String url) {
    if (!(url.startsWith("http://") || url.startsWith("https://") || url.startsWith("data:"))) {
      throw new IllegalArgumentException("An image URL must be http(s) or a data: URI");
    }
    return new ImageInput(url);
  }

  /**
   * Resolves this image to the URL an {@code image_url} part carries: the URL itself, or a
   * {@code data:} URI of the bytes. Files and streams are read off the event loop. Fails with
   * {@link InvalidRequestException} when the bytes are not a known image format.
   */
  public Future<String> toUrl(Vertx vertx) {
    if (source instanceof String url) {
      return Future.succeededFuture(url);
    }
    if (source instanceof byte[] bytes) {
      return toDataUri(bytes);
    }
    if (source instanceof Path file) {
      return vertx.fileSystem().readFile(file.toString())
          .recover(e -> Future.failedFuture(new InvalidRequestException(
              "Cannot read image file " + file + ": " + e.getMessage(), 0, null)))
          .compose(buffer -> toDataUri(buffer.getBytes()));
    }
    InputStream stream = (InputStream) source;
    return vertx.<byte[]>executeBlocking(() -> {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, false).compose(ImageInput::toDataUri);
  }

  /**
   * The MIME type of an image from its first bytes ({@code image/png}, {@code image/jpeg}, {@code image/gif},
   * {@code image/webp}, {@code image/bmp}, {@code image/tiff}, {@code image/heic} or {@code image/avif}), or null
   * when it is none of these; the {@code data:} URI of an image given as bytes has this type.
   */
  public static @Nullable String mimeType(byte[] b) {
    if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(b, 0, 'G', 'I', 'F', '8') && b.length > 5 && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
      return "image/gif";
    }
    if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
      return "image/webp";
    }
    if (startsWith(b, 0, 'B', 'M') && b.length > 14) {
      return "image/bmp";
    }
    if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)) {
      return "image/tiff";
    }
    if (startsWith(b, 4, 'f', 't', 'y', 'p')) {
      if (startsWith(b, 8, 'a', 'v', 'i', 'f') || startsWith(b, 8, 'a', 'v', 'i', 's')) {
        return "image/avif";
      }
      if (startsWith(b, 8, 'h', 'e', 'i', 'c') || startsWith(b, 8, 'h', 'e', 'i', 'x')
          || startsWith(b, 8, 'm', 'i', 'f', '1')) {
        return "image/heic";
      }
    }
    return null;
  }

  private static Future<String> toDataUri(byte[] bytes) {
    String mime = mimeType(bytes);
    if (mime == null) {
      return Future.failedFuture(new InvalidRequestException(
          "The image bytes are not a known image format (PNG, JPEG, GIF, WebP, BMP, TIFF, HEIC, AVIF)",
          0, null));
    }
    return Future.succeededFuture("data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes));
  }

  private static boolean startsWith(byte[] bytes, int offset, int... magic) {
    if (bytes.length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((bytes[offset + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
