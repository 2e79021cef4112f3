package io.g4f.server.spend;

import io.g4f.client.errors.InvalidRequestException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ledger read for operators, from a request's query parameters: {@code GET /v1/spend?group_by=&from=&to=&key=}
 * ({@link #summary}) and {@code GET /v1/spend/logs?key=&limit=} ({@link #logs}), each answering
 * {@code {"object": "list", "data": [...]}}. A parameter that does not fit (or is not one of these) fails with
 * a 400 naming it.
 */
public final class SpendReport {

  /** The groups {@code group_by} may name, comma-separated. */
  private static final List<String> GROUPS = List.of("key", "model", "provider", "day");
  private static final Set<String> SUMMARY_PARAMETERS = Set.of("group_by", "from", "to", "key");
  private static final Set<String> LOG_PARAMETERS = Set.of("key", "limit");
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final Ledger ledger;

  /** Reports of {@code ledger}. */
  public SpendReport(Ledger ledger) {
    this.ledger = ledger;
  }

  /**
   * Spend in groups: {@code group_by} one or more of {@code key}, {@code model}, {@code provider}, {@code day}
   * (comma-separated; {@code key} by default), between {@code from} (inclusive) and {@code to} (exclusive), each a
   * date ({@code 2026-12-06}: its first instant, UTC) or an instant ({@code 2026-12-06T12:00:00Z}), of one
   * {@code key} (its name) or all.
   */
  public Future<JsonObject> summary(MultiMap parameters) {
    try {
      known(parameters, SUMMARY_PARAMETERS);
      List<String> groups = new ArrayList<>();
      String groupBy = single(parameters, "group_by");
      for (String group : (groupBy == null ? "key" : groupBy).split(",", -1)) {
        if (!GROUPS.contains(group.trim()) || groups.contains(group.trim())) {
          throw invalid("group_by must name one or more of key, model, provider, day (comma-separated), each once",
              "group_by");
        }
        groups.add(group.trim());
      }
      Instant from = instant(parameters, "from", Instant.EPOCH);
      Instant to = instant(parameters, "to", Instant.ofEpochMilli(Long.MAX_VALUE));
      if (!from.isBefore(to)) {
        throw invalid("from must be before to", "from");
      }
      return ledger.summary(groups, from, to, single(parameters, "key")).map(SpendReport::list);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
  }

  /** The latest ledger rows, newest first: {@code limit} of them (1 to 1000, 100 by default), of one {@code key} or all. */
  public Future<JsonObject> logs(MultiMap parameters) {
    try {
      known(parameters, LOG_PARAMETERS);
      String limit = single(parameters, "limit");
      int rows;
      try {
        rows = limit == null ? DEFAULT_LIMIT : Integer.parseInt(limit);
      } catch (NumberFormatException e) {
        rows = 0;
      }
      if (rows < 1 || rows > MAX_LIMIT) {
        throw invalid("limit must be an integer from 1 to " + MAX_LIMIT, "limit");
      }
      return ledger.logs(single(parameters, "key"), rows).map(SpendReport::list);
    } catch (InvalidRequestException e) {
      return Future.failedFuture(e);
    }
  }

  private static JsonObject list(JsonArray data) {
    return new JsonObject().put("object", "list").put("data", data);
  }

  private static void known(MultiMap parameters, Set<String> known) {
    for (String name : parameters.names()) {
      if (!known.contains(name)) {
        throw invalid("Unknown query parameter '" + name + "' (known: " + String.join(", ", known.stream().sorted()
            .toList()) + ")", name);
      }
    }
  }

  /** The parameter {@code name}, given at most once and not empty; null when absent. */
  private static String single(MultiMap parameters, String name) {
    List<String> values = parameters.getAll(name);
    if (values.size() > 1 || values.size() == 1 && values.get(0).isBlank()) {
      throw invalid(name + " must be given once, not empty", name);
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static Instant instant(MultiMap parameters, String name, Instant absent) {
    String value = single(parameters, name);
    if (value == null) {
      return absent;
    }
    try {
      return value.contains("T") ? Instant.parse(value) : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeException e) {
      throw invalid(name + " must be a date (2026-12-06) or a UTC instant (2026-12-06T12:00:00Z), not '" + value + "'",
          name);
    }
  }

  private static InvalidRequestException invalid(String message, String param) {
    return InvalidRequestException.forParam(message, null, param);
  }
}
