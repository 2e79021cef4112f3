package io.g4f.client.spi.toolkit;

import io.g4f.client.chat.ImageInput;
import org.jspecify.annotations.Nullable;

/** Images as bytes and as {@code data:} URIs: MIME types sniffed from magic bytes, file extensions, data URI parts. */
public final class ImageData {

  /**
   * The parts of a base64 {@code data:} URI.
   *
   * @param mimeType the media type, e.g. {@code image/png} (empty when the URI names none)
   * @param base64 the base64 payload
   */
  public record DataUri(String mimeType, String base64) {
  }

  private ImageData() {
  }

  /** The parts of {@code url} when it is a base64 {@code data:} URI ({@code data:image/png;base64,...}), else null. */
  public static @Nullable DataUri dataUri(String url) {
    int comma = url.indexOf(',');
    if (!url.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
      return null;
    }
    return new DataUri(url.substring("data:".length(), comma - ";base64".length()), url.substring(comma + 1));
  }

  /**
   * The MIME type of an image from its first bytes, or null when it is not a known image format; as
   * {@link ImageInput#mimeType}.
   */
  public static String sniff(byte[] b) {
    return ImageInput.mimeType(b);
  }

  /** The usual file extension for an image MIME type ({@code png} for {@code image/png}); {@code bin} if unknown. */
  public static String extension(String mime) {
    if (mime == null || !mime.startsWith("image/")) {
      return "bin";
    }
    String subtype = mime.substring("image/".length());
    return subtype.equals("jpeg") ? "jpg" : subtype;
  }
}
