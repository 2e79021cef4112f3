package io.g4f.server.spend;

import io.g4f.client.Usage;
import io.g4f.server.access.Caller;
import io.g4f.server.observability.GatewayMetrics;
import io.vertx.core.Future;
import java.math.BigDecimal;

/**
 * The gateway's spend, as the call pipeline uses it: the budget check before a call ({@link #check}), the cost of an
 * answer ({@link #cost}) and, once it is over, its charge ({@link #charge}: the cost metric, the key's budget, the
 * ledger's row). Shared by every event loop; thread-safe.
 */
public final class Spend {

  private final Costs costs;
  private final Budgets budgets;
  private final Ledger ledger;
  private final GatewayMetrics metrics;

  /** Spend priced by {@code costs}, limited by {@code budgets}, written to {@code ledger} (null: none). */
  public Spend(Costs costs, Budgets budgets, Ledger ledger, GatewayMetrics metrics) {
    this.costs = costs;
    this.budgets = budgets;
    this.ledger = ledger;
    this.metrics = metrics;
  }

  /** Fails with 429 {@code budget_exceeded} when {@code caller}'s key has spent its budget ({@link Budgets#check}). */
  public Future<Void> check(Caller caller) {
    return budgets.check(caller);
  }

  /** What {@code usage} (null: none) of {@code provider} serving {@code model} costs, in US dollars; 0 unpriced. */
  public BigDecimal cost(String provider, String model, Usage usage) {
    return costs.cost(provider, model, usage);
  }

  /**
   * Charges one call of {@code caller} that is over, as {@code row} has it: its cost by key, provider and model in
   * the metrics (an answer of a model without a price counted as unpriced), against the key's budget, and in the
   * ledger.
   */
  public void charge(Caller caller, Ledger.Entry row) {
    if (row.provider() != null && row.status() < 400) {
      costs.checkPriced(row.provider(), row.model());
    }
    metrics.cost(caller == null ? null : caller.keyName(), row.provider(), row.model(), row.costUsd());
    budgets.spent(caller, row.costUsd());
    if (ledger != null) {
      ledger.record(row);
    }
  }

  /** The ledger, or null when the gateway keeps none. */
  public Ledger ledger() {
    return ledger;
  }
}
