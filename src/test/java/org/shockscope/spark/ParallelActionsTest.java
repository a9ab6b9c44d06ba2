package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelActionsTest {

  @Test
  void eachResultIsItsOwnActionsValue() {
    ParallelActions p = new ParallelActions();
    List<ParallelActions.Result<Integer>> results = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      int v = i * i;
      results.add(p.add(() -> v));
    }
    p.run();
    for (int i = 0; i < 7; i++) {
      assertEquals(i * i, results.get(i).get());
    }
  }

  @Test
  void actionsRunSideBySide() {
    // each action waits for the other: run one after the other, neither would ever return
    CountDownLatch both = new CountDownLatch(2);
    ParallelActions p = new ParallelActions();
    var a = p.add(() -> meet(both));
    var b = p.add(() -> meet(both));
    p.run();
    assertTrue(a.get() && b.get(), "the two actions were not running at the same time");
  }

  @Test
  void aFailureIsThrownOnlyOnceEveryActionHasEnded() {
    AtomicInteger ended = new AtomicInteger();
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    ParallelActions p = new ParallelActions();
    p.add(() -> {
      throw first;
    });
    for (int i = 0; i < 5; i++) {
      p.add(() -> {
        sleep(50);
        ended.incrementAndGet();
      });
    }
    p.add(() -> {
      throw second;
    });
    RuntimeException thrown = assertThrows(RuntimeException.class, p::run);
    assertSame(first, thrown, "the first failure in the order the actions were added");
    assertEquals(List.of(second), List.of(thrown.getSuppressed()));
    assertEquals(5, ended.get(), "every other action ran to its end");
  }

  @Test
  void anErrorIsThrownOnlyOnceEveryActionHasEnded() {
    AtomicInteger ended = new AtomicInteger();
    AssertionError error = new AssertionError("an action's error");
    ParallelActions p = new ParallelActions();
    p.add(() -> {
      throw error;
    });
    for (int i = 0; i < 4; i++) {
      p.add(() -> {
        sleep(50);
        ended.incrementAndGet();
      });
    }
    Error thrown = assertThrows(Error.class, p::run);
    assertSame(error, thrown);
    assertEquals(4, ended.get(), "every other action ran to its end");
  }

  @Test
  void aResultReadBeforeTheActionsRanIsRefused() {
    ParallelActions p = new ParallelActions();
    var r = p.add(() -> "x");
    assertThrows(IllegalStateException.class, r::get);
    p.run();
    assertEquals("x", r.get());
    assertThrows(IllegalStateException.class, p::run);
  }

  private static boolean meet(CountDownLatch latch) {
    latch.countDown();
    try {
      return latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
