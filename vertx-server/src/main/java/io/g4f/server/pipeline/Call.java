package io.g4f.server.pipeline;

import io.g4f.client.DirectCallOptions;
import io.g4f.client.Usage;
import io.g4f.server.access.Caller;
import io.g4f.server.routing.ModelRouter;
import io.g4f.server.routing.Target;
import io.g4f.server.spend.Spend;
import java.math.BigDecimal;

/**
 * One call through the gateway's {@link Pipeline}, whatever its API and transport: what the stages learn of it as it
 * goes (the caller, the decoded request, its route and settings, the usage its answer reported and its cost, the
 * target that served) and the {@link Exchange} it came in on. Used on the event loop of its exchange.
 *
 * @param <Q> the API's request
 * @param <A> the API's whole answer
 * @param <E> the API's stream events
 */
public final class Call<Q, A, E> {

  /** The header of a whole answer (HTTP, and an event-bus reply) that says what it cost: {@code 0.00024} US dollars. */
  public static final String COST_HEADER = "x-g4f-cost-usd";

  private final Api<Q, A, E> api;
  private final Exchange exchange;
  private Caller caller;
  private Q request;
  private ModelRouter.Route route;
  private DirectCallOptions options;
  private Usage usage;
  private Target served;
  private Spend spend;
  private BigDecimal cost;
  private Usage costed;
  private Target costedBy;

  Call(Api<Q, A, E> api, Exchange exchange) {
    this.api = api;
    this.exchange = exchange;
  }

  /** The API the call speaks. */
  public Api<Q, A, E> api() {
    return api;
  }

  /** The exchange the call came in on: how it is read and answered. */
  public Exchange exchange() {
    return exchange;
  }

  /** Who makes the call, once authenticated. */
  public Caller caller() {
    return caller;
  }

  void caller(Caller caller) {
    this.caller = caller;
  }

  /** The decoded request, once decoded. */
  public Q request() {
    return request;
  }

  void request(Q request) {
    this.request = request;
  }

  /** The model the request asks for (null: the default), once decoded. */
  public String model() {
    return request == null ? null : api.model(request);
  }

  /** Whether the answer is a stream, once decoded. */
  public boolean streamed() {
    return request != null && api.streamed(request);
  }

  /** The targets the call may go to, once routed; null for a call that no upstream answers. */
  public ModelRouter.Route route() {
    return route;
  }

  void route(ModelRouter.Route route) {
    this.route = route;
  }

  /** The settings of the upstream calls: timeout, request id, cancellation when the caller leaves. */
  public DirectCallOptions options() {
    return options;
  }

  void options(DirectCallOptions options) {
    this.options = options;
  }

  /** The last usage the answer reported, or null. */
  public Usage usage() {
    return usage;
  }

  /** Notes a usage the answer reported; null keeps the last one. */
  public void used(Usage usage) {
    if (usage != null) {
      this.usage = usage;
    }
  }

  /**
   * What the usage noted so far costs when {@code target} served it, in US dollars (0 for a model without a price or
   * an answer without usage), as the accounting stage prices it; worked out once for a usage. Null before that stage
   * and for a call no upstream answers.
   */
  public BigDecimal cost(Target target) {
    if (spend == null || target == null) {
      return null;
    }
    if (cost == null || costed != usage || costedBy != target) {
      cost = spend.cost(target.provider(), model(target), usage);
      costed = usage;
      costedBy = target;
    }
    return cost;
  }

  /** The model {@code target} was asked for: its own, else the request's. */
  String model(Target target) {
    return target.model() != null ? target.model() : model();
  }

  void spend(Spend spend) {
    this.spend = spend;
  }

  /** The target whose answer is served, once one answered; null before and for a call no upstream answers. */
  public Target served() {
    return served;
  }

  void served(Target target) {
    this.served = target;
  }
}
