package io.g4f.server.api.images;

import io.g4f.client.images.ImagesResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The images directory the gateway serves under {@code /images/}: every generated image asked for as a URL is a
 * file there (the gateway's clients {@linkplain io.g4f.client.ClientOptions#setStoreImages store images}, an
 * upstream's URL downloaded), answered as {@code BASE/images/{file}}, its modification time set to the gateway's
 * clock. Retention is bounded: a file older than {@code maxAge} (by its modification time) is no longer served,
 * and after each answer that stored images the files the client generated ({@code MILLIS_HEX8.EXT}) that are too
 * old, or beyond the {@code maxFiles} newest, are deleted (on a worker thread; never the answer's own).
 */
public final class ImageFiles {

  /** Where generated images are served over HTTP: {@value}{file}. */
  public static final String PATH = "/images/";

  /** Names of generated image files, as the client writes them. */
  private static final Pattern GENERATED = Pattern.compile("\\d+_[0-9a-f]{8}\\.[a-z0-9]+");
  private static final System.Logger LOG = System.getLogger("io.g4f.server");

  private record Entry(Path file, long modified) {
  }

  private final Vertx vertx;
  private final Path directory;
  private final int maxFiles;
  private final long maxAge;
  private final Clock clock;

  public ImageFiles(Vertx vertx, String directory, int maxFiles, long maxAge, Clock clock) {
    this.vertx = vertx;
    this.directory = Path.of(directory).toAbsolutePath().normalize();
    this.maxFiles = maxFiles;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  /** The directory. */
  public Path directory() {
    return directory;
  }

  /** Whether a file last modified at {@code modifiedMillis} is past the retention age. */
  public boolean expired(long modifiedMillis) {
    return clock.millis() - modifiedMillis > maxAge;
  }

  /**
   * {@code images} with each image stored in the directory answered as {@code baseUrl/images/{file}}, once the
   * directory is back within its bounds (a failure to trim it is logged, not answered).
   */
  Future<ImagesResponse> serve(ImagesResponse images, String baseUrl) {
    String base = baseUrl + PATH;
    Set<String> stored = new HashSet<>();
    for (ImagesResponse.Image image : images.getData()) {
      if (image.getUrl() != null && image.getUrl().startsWith("file:")) {
        Path file = Path.of(URI.create(image.getUrl())).toAbsolutePath().normalize();
        if (directory.equals(file.getParent())) {
          stored.add(file.getFileName().toString());
          image.setUrl(base + file.getFileName());
        }
      }
    }
    if (stored.isEmpty()) {
      return Future.succeededFuture(images);
    }
    return vertx.executeBlocking(() -> keepAndTrim(stored), false)
        .transform(trimmed -> {
          if (trimmed.failed()) {
            LOG.log(System.Logger.Level.WARNING, "Cannot trim the images directory " + directory, trimmed.cause());
          }
          return Future.succeededFuture(images);
        });
  }

  /**
   * Dates the files {@code keep} now, then deletes the other generated files that are too old or beyond the newest
   * {@code maxFiles}.
   */
  private Void keepAndTrim(Set<String> keep) throws IOException {
    for (String name : keep) {
      Files.setLastModifiedTime(directory.resolve(name), FileTime.fromMillis(clock.millis()));
    }
    List<Entry> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path file : entries) {
        String name = file.getFileName().toString();
        if (GENERATED.matcher(name).matches() && !keep.contains(name)) {
          BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
          if (attributes.isRegularFile()) {
            files.add(new Entry(file, attributes.lastModifiedTime().toMillis()));
          }
        }
      }
    }
    files.sort(Comparator.comparingLong(Entry::modified).thenComparing(entry -> entry.file().getFileName())
        .reversed());
    int room = Math.max(0, maxFiles - keep.size());
    for (int i = 0; i < files.size(); i++) {
      if (i >= room || expired(files.get(i).modified())) {
        Files.deleteIfExists(files.get(i).file());
      }
    }
    return null;
  }
}
