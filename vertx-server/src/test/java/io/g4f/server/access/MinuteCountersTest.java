package io.g4f.server.access;

import static io.g4f.client.testing.ScriptedServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Counter;
import io.vertx.junit5.VertxExtension;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A cluster that does not answer (a frozen peer owns the counter) costs a count at most the bounded wait: the node
 * then decides with its own count of the minute, and a counter is made once per name, not at every call.
 */
@ExtendWith(VertxExtension.class)
class MinuteCountersTest {

  private static final Clock HALF_PAST = Clock.fixed(Instant.parse("2026-01-01T10:00:30Z"), ZoneOffset.UTC);

  /** A shared counter whose every call waits forever, as one owned by a frozen member does. */
  private static Counter silent() {
    return (Counter) Proxy.newProxyInstance(Counter.class.getClassLoader(), new Class<?>[] {Counter.class},
        (proxy, method, args) -> Promise.promise().future());
  }

  @Test
  void aSilentClusterCostsACountTheBoundedWaitAndTheNodeCountsAlone() {
    AtomicInteger made = new AtomicInteger();
    MinuteCounters counters = new MinuteCounters(HALF_PAST, new SharedCounters(name -> {
      made.incrementAndGet();
      return Future.succeededFuture(silent());
    }));
    long start = System.nanoTime();
    assertThat(await(counters.add("rpm.key:team", 1))).isEqualTo(1);
    assertThat(await(counters.add("rpm.key:team", 1))).isEqualTo(2);
    assertThat(await(counters.get("rpm.key:team"))).isEqualTo(2);
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(millis).as("three counts of a silent cluster").isLessThan(3 * SharedCounters.CLUSTER_WAIT_MS + 500);
    assertThat(made).as("the shared counter is made once").hasValue(1);
  }

  @Test
  void aCounterThatCannotBeMadeInTimeIsWaitedForBoundedlyToo() {
    MinuteCounters counters = new MinuteCounters(HALF_PAST, new SharedCounters(name -> Promise.<Counter>promise().future()));

    long start = System.nanoTime();
    assertThat(await(counters.add("tpm.key:team", 40))).isEqualTo(40);

    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(SharedCounters.CLUSTER_WAIT_MS + 500);
  }

  @Test
  void anAnsweringClusterIsTheCount(Vertx vertx) {
    MinuteCounters counters = new MinuteCounters(HALF_PAST, new SharedCounters(name -> vertx.sharedData().getCounter(name)));

    await(counters.add("rpm.key:team", 3));
    MinuteCounters otherNode = new MinuteCounters(HALF_PAST, new SharedCounters(name -> vertx.sharedData().getCounter(name)));

    assertThat(await(otherNode.add("rpm.key:team", 1))).as("the shared count, not the node's own").isEqualTo(4);
  }
}
