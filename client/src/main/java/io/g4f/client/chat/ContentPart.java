package io.g4f.client.chat;

import io.g4f.client.Extensible;
import org.jspecify.annotations.Nullable;

/**
 * One part of a message's content: {@code {"type":"text","text":...}} or
 * {@code {"type":"image_url","image_url":{"url":...,"detail":...}}}; other types round-trip through
 * {@link #getExtra()}.
 */
public final class ContentPart extends Extensible<ContentPart> {

  /** The {@code text} part type. */
  public static final String TEXT = "text";
  /** The {@code image_url} part type. */
  public static final String IMAGE_URL = "image_url";

  private @Nullable String type;
  private @Nullable String text;
  private @Nullable ImageUrl imageUrl;

  /** A text part. */
  public static ContentPart text(String text) {
    return new ContentPart().setType(TEXT).setText(text);
  }

  /** An image part; {@code url} is an {@code http(s)} URL or a {@code data:} URI. */
  public static ContentPart imageUrl(String url) {
    return new ContentPart().setType(IMAGE_URL).setImageUrl(new ImageUrl().setUrl(url));
  }

  /** The part type. */
  public @Nullable String getType() {
    return type;
  }

  /** Sets the part type. */
  public ContentPart setType(@Nullable String type) {
    this.type = type;
    return this;
  }

  /** The text of a {@code text} part. */
  public @Nullable String getText() {
    return text;
  }

  /** Sets the text. */
  public ContentPart setText(@Nullable String text) {
    this.text = text;
    return this;
  }

  /** The image of an {@code image_url} part. */
  public @Nullable ImageUrl getImageUrl() {
    return imageUrl;
  }

  /** Sets the image. */
  public ContentPart setImageUrl(@Nullable ImageUrl imageUrl) {
    this.imageUrl = imageUrl;
    return this;
  }

  /** The {@code image_url} object of an image part: a URL or data URI, and an optional detail level. */
  public static final class ImageUrl extends Extensible<ImageUrl> {

    private @Nullable String url;
    private @Nullable String detail;

    /** An {@code http(s)} URL or a {@code data:} URI. */
    public @Nullable String getUrl() {
      return url;
    }

    /** Sets the URL. */
    public ImageUrl setUrl(@Nullable String url) {
      this.url = url;
      return this;
    }

    /** {@code low}, {@code high} or {@code auto}, or null. */
    public @Nullable String getDetail() {
      return detail;
    }

    /** Sets the detail level. */
    public ImageUrl setDetail(@Nullable String detail) {
      this.detail = detail;
      return this;
    }
  }
}
