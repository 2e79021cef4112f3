package io.g4f.server.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the spend ledger keeps one row per request: an embedded H2 database in a file ({@link #getFile()}, the
 * default, needing no server) or a database server by URL ({@link #getUrl()}: {@code postgresql://user:pass@host/db},
 * or a {@code jdbc:postgresql:} or {@code jdbc:h2:} URL). Rows hold counts, never a prompt or an answer. The config's
 * {@code ledger} object: {@code {"url": "...", "file": "...", "enabled": true}}; {@code G4F_LEDGER_URL} gives the
 * URL too. The URL may hold a password: it
 * never appears in {@code toString()}, logs or errors.
 */
public final class LedgerOptions {

  /** The embedded database's file when none is given, in the working directory ({@code g4f-ledger.mv.db}). */
  public static final Path DEFAULT_FILE = Path.of("g4f-ledger");
  /** The most rows kept in memory while the database cannot take them; older ones are dropped first. */
  public static final int DEFAULT_BUFFER = 10_000;

  private static final List<String> KEYS = List.of("url", "file", "enabled");

  private String url;
  private Path file = DEFAULT_FILE;
  private int buffer = DEFAULT_BUFFER;

  /** The database server's URL, or null for the embedded file. */
  public String getUrl() {
    return url;
  }

  /** Sets the database server's URL (null: the embedded file). */
  public LedgerOptions setUrl(String url) {
    this.url = url;
    return this;
  }

  /** The embedded database's file, without H2's {@code .mv.db} suffix. */
  public Path getFile() {
    return file;
  }

  /** Sets the embedded database's file. */
  public LedgerOptions setFile(Path file) {
    this.file = file;
    return this;
  }

  /** The most rows held while the database is down. */
  public int getBuffer() {
    return buffer;
  }

  /** Sets the most rows held while the database is down (at least 1). */
  public LedgerOptions setBuffer(int buffer) {
    if (buffer < 1) {
      throw new IllegalArgumentException("buffer must be at least 1");
    }
    this.buffer = buffer;
    return this;
  }

  /**
   * The ledger of a config's {@code ledger} object over {@code base} (what the command line set: the embedded file,
   * or {@code G4F_LEDGER_URL}; null for none): a {@code url} or {@code file} given replaces {@code base}'s; null when
   * it says {@code "enabled": false}.
   *
   * @throws IllegalArgumentException naming the field that does not fit, an unknown one included
   */
  static LedgerOptions fromConfig(JsonObject json, LedgerOptions base) {
    ConfigReader.check(json, "ledger", KEYS);
    if (Boolean.FALSE.equals(ConfigReader.field(json, "enabled", Boolean.class, false, "ledger"))) {
      return null;
    }
    LedgerOptions ledger = new LedgerOptions();
    if (base != null) {
      ledger.setUrl(base.url).setFile(base.file).setBuffer(base.buffer);
    }
    String url = ConfigReader.field(json, "url", String.class, false, "ledger");
    String file = ConfigReader.field(json, "file", String.class, false, "ledger");
    if (url != null && file != null) {
      throw new IllegalArgumentException("ledger: give url (a database server) or file (the embedded database), "
          + "not both");
    }
    if (url != null) {
      ledger.setUrl(url);
    }
    if (file != null) {
      ledger.setUrl(null).setFile(Path.of(file));
    }
    return ledger;
  }

  @Override
  public String toString() {
    return "LedgerOptions[" + (url != null ? "url" : "file=" + file) + ", buffer=" + buffer + "]";
  }
}
