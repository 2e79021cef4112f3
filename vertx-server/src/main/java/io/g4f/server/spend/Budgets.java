package io.g4f.server.spend;

import io.g4f.client.errors.ErrorDetails;
import io.g4f.client.errors.RateLimitException;
import io.g4f.server.access.Caller;
import io.g4f.server.access.SharedCounters;
import io.g4f.server.config.TeamKeys;
import io.vertx.core.Future;
import io.vertx.core.shareddata.Counter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What each team key with a {@code budget} has spent in its current period, and the check that refuses a key over
 * it. The count of a period is a counter of the cluster's shared data ({@link SharedCounters}: every node adds into
 * the same one, and no call waits for the cluster longer than its bound) in nano-dollars, one counter a key and period
 * ({@code g4f.spend.team-a.30d.683}), so a new period starts from zero; a node also keeps its own count of what it
 * added, and decides with it when the cluster does not answer in time. At start the counts are taken from the ledger
 * when the cluster holds none yet ({@link #load}), so a budget holds across restarts. Thread-safe.
 */
public final class Budgets {

  private static final long DAY_MS = 86_400_000L;

  private final TeamKeys teams;
  private final SharedCounters counters;
  private final Clock clock;
  /** This node's own count of each counter, what it decides with when the cluster is slow. */
  private final Map<String, AtomicLong> own = new ConcurrentHashMap<>();

  /** The budgets of {@code teams}, counted in {@code counters}, in periods of {@code clock}. */
  public Budgets(TeamKeys teams, SharedCounters counters, Clock clock) {
    this.teams = teams;
    this.counters = counters;
    this.clock = clock;
  }

  /**
   * Starts the current period's count of each budget from what {@code ledger} holds of it, unless the cluster already
   * counts it (another node runs, or this one restarted within the cluster); a ledger that does not answer leaves
   * the counts as they are.
   */
  public Future<Void> load(Ledger ledger) {
    List<Future<?>> loads = new ArrayList<>();
    Instant now = clock.instant();
    for (TeamKeys.TeamKey team : teams.all()) {
      if (team.budget() != null) {
        Period period = period(team.budget(), now);
        String name = name(team.name(), team.budget(), period);
        loads.add(ledger.spentSince(team.name(), period.start()).compose(spent -> {
          own.computeIfAbsent(name, key -> new AtomicLong()).compareAndSet(0, spent);
          return counters.counter(name).compose(counter -> counter.compareAndSet(0, spent));
        }));
      }
    }
    return Future.join(loads).mapEmpty();
  }

  /**
   * Admits a call of {@code caller} when its key has no budget or has spent less than it in the current period; else
   * fails with a 429 {@code insufficient_quota} / {@code budget_exceeded} saying what was spent and when it resets.
   */
  public Future<Void> check(Caller caller) {
    TeamKeys.TeamKey team = budgeted(caller);
    if (team == null) {
      return Future.succeededFuture();
    }
    TeamKeys.Budget budget = team.budget();
    Period period = period(budget, clock.instant());
    String name = name(team.name(), budget, period);
    AtomicLong mine = own.get(name);
    Future<Long> spent = SharedCounters.bounded(counters.counter(name).compose(Counter::get),
        mine == null ? 0 : mine.get());
    long limit = BigDecimal.valueOf(budget.usd()).movePointRight(Costs.SCALE).longValue();
    return spent.compose(nanos -> nanos < limit ? Future.succeededFuture()
        : Future.failedFuture(exceeded(team.name(), budget, period, nanos)));
  }

  /** Adds {@code cost} (US dollars) to what {@code caller}'s key spent in the current period, when it has a budget. */
  public void spent(Caller caller, BigDecimal cost) {
    TeamKeys.TeamKey team = budgeted(caller);
    long nanos = cost.movePointRight(Costs.SCALE).longValue();
    if (team == null || nanos <= 0) {
      return;
    }
    String name = name(team.name(), team.budget(), period(team.budget(), clock.instant()));
    own.computeIfAbsent(name, key -> new AtomicLong()).addAndGet(nanos);
    counters.counter(name).compose(counter -> counter.addAndGet(nanos));
  }

  private TeamKeys.TeamKey budgeted(Caller caller) {
    TeamKeys.TeamKey team = caller == null || caller.keyName() == null ? null : teams.named(caller.keyName());
    return team != null && team.budget() != null ? team : null;
  }

  /** A budget's current period: from {@code start}, over at {@code end} (null: a total, never over). */
  record Period(long index, Instant start, Instant end) {
  }

  /** The period of {@code budget} that holds {@code now}: windows of its days counted from 1970-01-01 UTC. */
  static Period period(TeamKeys.Budget budget, Instant now) {
    if (budget.days() == 0) {
      return new Period(0, Instant.EPOCH, null);
    }
    long length = budget.days() * DAY_MS;
    long index = Math.floorDiv(now.toEpochMilli(), length);
    return new Period(index, Instant.ofEpochMilli(index * length), Instant.ofEpochMilli((index + 1) * length));
  }

  private static String name(String key, TeamKeys.Budget budget, Period period) {
    return "g4f.spend." + key + "." + budget.period() + (budget.days() == 0 ? "" : "." + period.index());
  }

  private static RateLimitException exceeded(String key, TeamKeys.Budget budget, Period period, long nanos) {
    String spent = String.format(Locale.ROOT, "%.2f", BigDecimal.valueOf(nanos, Costs.SCALE));
    String limit = String.format(Locale.ROOT, "%.2f", BigDecimal.valueOf(budget.usd()));
    return new RateLimitException(key + " has spent $" + spent + " of its $" + limit + " budget "
        + (period.end() == null ? "in total" : "for " + budget.period() + "; it resets at " + period.end()),
        new ErrorDetails().status(429).type("insufficient_quota").code("budget_exceeded"));
  }
}
