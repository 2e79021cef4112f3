package io.g4f.client.spi.toolkit;

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

  /** The MIME type of an image from its first bytes, or null when it is not a known image format. */
  public static String sniff(byte[] b) {
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

  /** The usual file extension for an image MIME type ({@code png} for {@code image/png}); {@code bin} if unknown. */
  public static String extension(String mime) {
    if (mime == null || !mime.startsWith("image/")) {
      return "bin";
    }
    String subtype = mime.substring("image/".length());
    return subtype.equals("jpeg") ? "jpg" : subtype;
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
