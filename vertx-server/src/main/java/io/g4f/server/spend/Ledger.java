package io.g4f.server.spend;

import io.g4f.server.config.LedgerOptions;
import io.g4f.server.observability.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spend ledger: one row per model call ({@link Entry}) in a database, the embedded H2 file or a PostgreSQL
 * server ({@link LedgerOptions}), through Vert.x's JDBC client (whose statements run on worker threads, never an event
 * loop). The table {@value #TABLE} is created at start. {@link #record} only queues a row; rows are written in
 * batches every second, before a query and at {@link #close}. A database that is down never fails a caller: the rows
 * wait in memory (at most {@link LedgerOptions#getBuffer()}, the oldest dropped first, counted in
 * {@code g4f_ledger_dropped_rows_total} and logged with their request ids), the outage and the recovery are logged
 * once each, and writing resumes when it answers. Thread-safe; its timer and writes run on the context it was opened on.
 */
public final class Ledger {

  /** The ledger's table. */
  static final String TABLE = "g4f_ledger";
  /** Most rows in one batch. */
  private static final int BATCH = 500;
  /** Time between two writes, in ms. */
  private static final long PERIOD_MS = 1000;
  private static final long DAY_MS = 86_400_000L;
  private static final Logger LOG = LoggerFactory.getLogger("io.g4f.server.spend");
  private static final List<String> SCHEMA = List.of("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
          + "at_ms BIGINT NOT NULL, request_id VARCHAR(100), key_name VARCHAR(200), api VARCHAR(40) NOT NULL, "
          + "provider VARCHAR(200), model VARCHAR(200), status INT NOT NULL, prompt_tokens INT, completion_tokens INT, "
          + "cached_tokens INT, cost_nanos BIGINT NOT NULL, latency_ms BIGINT NOT NULL, ttft_ms BIGINT)",
      "CREATE INDEX IF NOT EXISTS g4f_ledger_key_at ON " + TABLE + " (key_name, at_ms)",
      "CREATE INDEX IF NOT EXISTS g4f_ledger_at ON " + TABLE + " (at_ms)");
  private static final String INSERT = "INSERT INTO " + TABLE + " (at_ms, request_id, key_name, api, provider, model, "
      + "status, prompt_tokens, completion_tokens, cached_tokens, cost_nanos, latency_ms, ttft_ms) "
      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /**
   * One row: when the call came in, its request id, the key's name (null: a caller without a key), its API
   * ({@code chat}, {@code responses}, {@code messages}, {@code embeddings}, {@code images}), the configured provider
   * that served and the model asked for (each null when none did), the status answered, the usage tokens
   * ({@code cachedTokens}: those read from the provider's cache), the cost in US dollars, the whole latency and, for
   * a stream, the time to its first event (ms).
   */
  public record Entry(Instant at, String requestId, String key, String api, String provider, String model, int status,
                      Integer promptTokens, Integer completionTokens, Integer cachedTokens, BigDecimal costUsd,
                      long latencyMs, Long firstEventMs) {
  }

  private final Vertx vertx;
  private final JDBCConnectOptions connect;
  /** The connections; replaced after a failure, since a pooled connection to a database that went away stays broken. */
  private volatile Pool pool;
  private final Context context;
  private final GatewayMetrics metrics;
  private final int capacity;
  private final String where;
  private final Deque<Entry> rows = new ArrayDeque<>();
  /** The rows dropped since the last log line about them, and the request ids of the first 20. */
  private int dropped;
  private final List<String> droppedIds = new ArrayList<>();
  private final long timer;
  private Future<Void> schema;
  private Future<Void> writes = Future.succeededFuture();
  private boolean writing;
  private volatile boolean down;

  private Ledger(Vertx vertx, LedgerOptions options, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.metrics = metrics;
    this.capacity = options.getBuffer();
    this.connect = connectOptions(options);
    this.where = describe(options);
    this.pool = pool();
    this.timer = vertx.setPeriodic(PERIOD_MS, tick -> {
      logDropped();
      if (!writing && pending() > 0) {
        flush();
      }
    });
  }

  /**
   * Opens the ledger of {@code options} on the current context and creates its table; a database that does not
   * answer is logged and the ledger opened all the same (rows wait for it). Fails for a URL that is not one of a
   * database it knows, without quoting it.
   */
  public static Future<Ledger> open(Vertx vertx, LedgerOptions options, GatewayMetrics metrics) {
    Ledger ledger;
    try {
      ledger = new Ledger(vertx, options, metrics);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return ledger.schema().transform(created -> {
      if (created.succeeded()) {
        LOG.info("Spend ledger: {}", ledger.where);
      }
      return Future.succeededFuture(ledger);
    });
  }

  /** Queues {@code row} for the next write, dropping the oldest queued row when the buffer is full. */
  public void record(Entry row) {
    Entry dropped;
    synchronized (rows) {
      dropped = rows.size() >= capacity ? rows.pollFirst() : null;
      rows.addLast(row);
    }
    if (dropped != null) {
      dropped(List.of(dropped));
    }
  }

  /** Writes every row queued so far (after the writes before it); fails when the database did not take them. */
  public Future<Void> flush() {
    Promise<Void> flushed = Promise.promise();
    context.runOnContext(now -> {
      writes = writes.transform(before -> write());
      writes.onComplete(flushed);
    });
    return flushed.future();
  }

  /**
   * What {@code key} spent since {@code from} (the rows written so far), in nano-dollars, to start a budget's count
   * with after a restart.
   */
  public Future<Long> spentSince(String key, Instant from) {
    return query("SELECT COALESCE(SUM(cost_nanos), 0) FROM " + TABLE + " WHERE key_name = ? AND at_ms >= ?",
        Tuple.of(key, from.toEpochMilli()))
        .map(result -> number(result.iterator().next().getValue(0)).longValue());
  }

  /**
   * Spend between {@code from} (inclusive) and {@code to} (exclusive), of {@code key} alone unless null, in groups of
   * {@code groupBy} (each of {@code key}, {@code model}, {@code provider}, {@code day}): per group the grouped values,
   * {@code requests}, {@code prompt_tokens}, {@code completion_tokens} and {@code cost_usd}. Writes the queued rows
   * first.
   */
  public Future<JsonArray> summary(List<String> groupBy, Instant from, Instant to, String key) {
    List<String> columns = groupBy.stream().map(Ledger::column).toList();
    String grouped = String.join(", ", columns);
    String sql = "SELECT " + (columns.isEmpty() ? "" : grouped + ", ") + "COUNT(*), SUM(prompt_tokens), "
        + "SUM(completion_tokens), SUM(cost_nanos) FROM " + TABLE + " WHERE at_ms >= ? AND at_ms < ?"
        + (key == null ? "" : " AND key_name = ?") + (columns.isEmpty() ? "" : " GROUP BY " + grouped
        + " ORDER BY " + grouped);
    Tuple arguments = Tuple.of(from.toEpochMilli(), to.toEpochMilli());
    if (key != null) {
      arguments.addString(key);
    }
    return flush().transform(flushed -> query(sql, arguments)).map(result -> {
      JsonArray data = new JsonArray();
      for (Row row : result) {
        JsonObject group = new JsonObject();
        if (key != null) {
          group.put("key", key);
        }
        for (int i = 0; i < groupBy.size(); i++) {
          Object value = row.getValue(i);
          group.put(groupBy.get(i), "day".equals(groupBy.get(i))
              ? LocalDate.ofEpochDay(number(value).longValue()).toString() : value);
        }
        int at = groupBy.size();
        data.add(group.put("requests", number(row.getValue(at)).longValue())
            .put("prompt_tokens", number(row.getValue(at + 1)).longValue())
            .put("completion_tokens", number(row.getValue(at + 2)).longValue())
            .put("cost_usd", usd(number(row.getValue(at + 3)).longValue())));
      }
      return data;
    });
  }

  /** The latest {@code limit} rows, of {@code key} alone unless null, newest first. Writes the queued rows first. */
  public Future<JsonArray> logs(String key, int limit) {
    String sql = "SELECT at_ms, request_id, key_name, api, provider, model, status, prompt_tokens, completion_tokens, "
        + "cached_tokens, cost_nanos, latency_ms, ttft_ms FROM " + TABLE + (key == null ? "" : " WHERE key_name = ?")
        + " ORDER BY at_ms DESC LIMIT ?";
    Tuple arguments = key == null ? Tuple.of(limit) : Tuple.of(key, limit);
    return flush().transform(flushed -> query(sql, arguments)).map(result -> {
      JsonArray data = new JsonArray();
      for (Row row : result) {
        data.add(new JsonObject().put("time", Instant.ofEpochMilli(number(row.getValue(0)).longValue()).toString())
            .put("request_id", row.getValue(1)).put("key", row.getValue(2)).put("api", row.getValue(3))
            .put("provider", row.getValue(4)).put("model", row.getValue(5)).put("status", row.getValue(6))
            .put("prompt_tokens", row.getValue(7)).put("completion_tokens", row.getValue(8))
            .put("cached_tokens", row.getValue(9)).put("cost_usd", usd(number(row.getValue(10)).longValue()))
            .put("latency_ms", row.getValue(11)).put("ttft_ms", row.getValue(12)));
      }
      return data;
    });
  }

  /** Stops the timer, writes what is queued (logging what it could not) and closes the database. */
  public Future<Void> close() {
    context.owner().cancelTimer(timer);
    return flush().transform(flushed -> {
      List<Entry> lost;
      synchronized (rows) {
        lost = new ArrayList<>(rows);
        rows.clear();
      }
      if (!lost.isEmpty()) {
        dropped(lost);
      }
      logDropped();
      return pool.close();
    });
  }

  /** Rows queued, not yet written. */
  int pending() {
    synchronized (rows) {
      return rows.size();
    }
  }

  private Pool pool() {
    return JDBCPool.pool(vertx, connect, new PoolOptions().setMaxSize(2).setName("g4f-ledger"));
  }

  private Future<RowSet<Row>> query(String sql, Tuple arguments) {
    return schema().compose(created -> pool.preparedQuery(sql).execute(arguments)).onFailure(this::failed);
  }

  /** The table, created once; a failed creation is tried again at the next use. */
  private synchronized Future<Void> schema() {
    if (schema == null || schema.failed()) {
      Future<Void> created = Future.succeededFuture();
      for (String statement : SCHEMA) {
        created = created.compose(done -> pool.query(statement).execute().mapEmpty());
      }
      schema = created.onFailure(this::failed);
    }
    return schema;
  }

  /** Writes queued rows, a batch at a time, until none is left or the database fails. */
  private Future<Void> write() {
    List<Entry> batch = new ArrayList<>();
    synchronized (rows) {
      while (batch.size() < BATCH && !rows.isEmpty()) {
        batch.add(rows.pollFirst());
      }
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    writing = true;
    List<Tuple> tuples = batch.stream().map(Ledger::tuple).toList();
    return schema().compose(created -> pool.preparedQuery(INSERT).executeBatch(tuples)).transform(done -> {
      writing = false;
      if (done.failed()) {
        failed(done.cause());
        requeue(batch);
        return Future.failedFuture(done.cause());
      }
      if (down) {
        down = false;
        LOG.info("Spend ledger: {} answers again; writing the rows it missed", where);
      }
      return write();
    });
  }

  /** Puts {@code batch} back at the head of the queue, dropping what no longer fits (the oldest rows first). */
  private void requeue(List<Entry> batch) {
    List<Entry> lost = new ArrayList<>();
    synchronized (rows) {
      for (int i = batch.size() - 1; i >= 0; i--) {
        if (rows.size() < capacity) {
          rows.addFirst(batch.get(i));
        } else {
          lost.add(batch.get(i));
        }
      }
    }
    if (!lost.isEmpty()) {
      dropped(lost);
    }
  }

  /** Notes that the database failed: logged once an outage, and the connections are replaced. */
  private synchronized void failed(Throwable failure) {
    Pool broken = pool;
    pool = pool();
    broken.close();
    if (!down) {
      down = true;
      LOG.warn("Spend ledger: {} cannot be written ({}); rows wait in memory, at most {}", where,
          failure.getMessage(), capacity);
    }
  }

  /** Counts {@code lost} as dropped, to be logged at the next tick. */
  private void dropped(List<Entry> lost) {
    metrics.ledgerDropped(lost.size());
    synchronized (droppedIds) {
      dropped += lost.size();
      lost.stream().limit(20 - droppedIds.size()).forEach(row -> droppedIds.add(row.requestId()));
    }
  }

  /** Logs the rows dropped since the last time, in one line. */
  private void logDropped() {
    synchronized (droppedIds) {
      if (dropped > 0) {
        LOG.warn("Spend ledger: {} rows could not be written and are dropped (request ids {}{})", dropped,
            String.join(", ", droppedIds), dropped > droppedIds.size() ? ", ..." : "");
        dropped = 0;
        droppedIds.clear();
      }
    }
  }

  private static Tuple tuple(Entry row) {
    return Tuple.from(new Object[] {row.at().toEpochMilli(), row.requestId(), row.key(), row.api(), row.provider(),
        row.model(), row.status(), row.promptTokens(), row.completionTokens(), row.cachedTokens(),
        row.costUsd().movePointRight(Costs.SCALE).longValue(), row.latencyMs(), row.firstEventMs()});
  }

  private static String column(String group) {
    return switch (group) {
      case "key" -> "key_name";
      case "model", "provider" -> group;
      case "day" -> "at_ms / " + DAY_MS;
      default -> throw new IllegalArgumentException("No spend group " + group);
    };
  }

  private static Number number(Object value) {
    return value == null ? 0 : (Number) value;
  }

  /** {@code nanos} nano-dollars as a JSON number of US dollars. */
  private static BigDecimal usd(long nanos) {
    return BigDecimal.valueOf(nanos, Costs.SCALE).stripTrailingZeros();
  }

  /** The JDBC connection of {@code options}: the embedded H2 file, or the server its URL names. */
  private static JDBCConnectOptions connectOptions(LedgerOptions options) {
    String url = options.getUrl();
    if (url == null) {
      // closed with the last connection, at the gateway's stop, not by H2's own shutdown hook before the last rows
      return new JDBCConnectOptions().setJdbcUrl("jdbc:h2:file:" + options.getFile().toAbsolutePath()
          + ";DB_CLOSE_ON_EXIT=FALSE");
    }
    if (url.startsWith("jdbc:postgresql:") || url.startsWith("jdbc:h2:")) {
      return new JDBCConnectOptions().setJdbcUrl(url);
    }
    URI uri = server(url);
    JDBCConnectOptions connect = new JDBCConnectOptions().setJdbcUrl("jdbc:postgresql://" + uri.getHost()
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      connect.setUser(URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8));
      if (colon >= 0) {
        connect.setPassword(URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8));
      }
    }
    return connect;
  }

  /**
   * {@code url} as a {@code postgresql://} URL.
   *
   * @throws IllegalArgumentException for another scheme, without quoting the URL (it may hold a password)
   */
  private static URI server(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ledger.url is not a URL");
    }
    if (!("postgresql".equals(uri.getScheme()) || "postgres".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("ledger.url must be postgresql://[user[:password]@]host[:port]/database, "
          + "or a jdbc:postgresql: or jdbc:h2: URL");
    }
    return uri;
  }

  /** Where the ledger is, for the log, without user or password. */
  private static String describe(LedgerOptions options) {
    String url = options.getUrl();
    if (url == null) {
      return "H2 file " + options.getFile().toAbsolutePath() + ".mv.db";
    }
    if (url.startsWith("jdbc:")) {
      return url.substring(0, url.indexOf(':', 5)) + " database";
    }
    URI uri = server(url);
    return "PostgreSQL at " + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + uri.getPath();
  }

}
