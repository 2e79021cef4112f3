package io.g4f.server.http;

import io.g4f.server.api.images.ImageFiles;
import io.g4f.server.wire.OpenAiErrors;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * {@code GET /images/{file}}: a generated image from the images directory, with its content type,
 * an ETag (size and modification time, as nginx does) and {@code 304} for a matching
 * {@code If-None-Match}; 404 once it is past the retention age ({@link ImageFiles}). Only plain file names are
 * accepted, so no request escapes the directory.
 */
final class ImageFilesHandler implements Handler<RoutingContext> {

  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}");

  private final ImageFiles files;

  ImageFilesHandler(ImageFiles files) {
    this.files = files;
  }

  @Override
  public void handle(RoutingContext context) {
    String name = context.pathParam("file");
    HttpServerResponse response = context.response();
    if (name == null || !FILE_NAME.matcher(name).matches()) {
      notFound(response, name);
      return;
    }
    String file = files.directory().resolve(name).toString();
    context.vertx().fileSystem().props(file).onComplete(props -> {
      if (props.failed() || !props.result().isRegularFile() || files.expired(props.result().lastModifiedTime())) {
        notFound(response, name);
        return;
      }
      String etag = "\"" + Long.toHexString(props.result().lastModifiedTime()) + "-"
          + Long.toHexString(props.result().size()) + "\"";
      response.putHeader("etag", etag).putHeader("cache-control", "public, max-age=86400");
      if (etag.equals(context.request().getHeader("if-none-match"))) {
        response.setStatusCode(304).end();
        return;
      }
      String type = MimeMapping.mimeTypeForFilename(name);
      response.putHeader("content-type", type == null ? "application/octet-stream" : type).sendFile(file);
    });
  }

  private static void notFound(HttpServerResponse response, String name) {
    OpenAiErrors.send(response, OpenAiErrors.of(404, "No image named '" + name + "'", "invalid_request_error", null,
        "image_not_found"));
  }
}
