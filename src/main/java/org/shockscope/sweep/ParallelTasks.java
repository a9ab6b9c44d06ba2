package org.shockscope.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs independent pieces of discovery (folder listings, run reads) on a few threads: on an
 * object store each is a chain of remote requests, so a sweep of thousands of runs is read in
 * parallel. Results come back in the order of the inputs, so the output stays deterministic.
 */
final class ParallelTasks implements AutoCloseable {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int threads;
  private ExecutorService pool;

  ParallelTasks(int threads) {
    this.threads = threads;
  }

  /** {@code fn} applied to every item, results in item order; {@code fn} must not throw. */
  <T, R> List<R> map(List<T> items, Function<T, R> fn) {
    List<R> out = new ArrayList<>(items.size());
    if (threads == 1 || items.size() < 2) {
      for (T item : items) {
        out.add(fn.apply(item));
      }
      return out;
    }
    List<Future<R>> futures = new ArrayList<>(items.size());
    for (T item : items) {
      futures.add(pool().submit(() -> fn.apply(item)));
    }
    try {
      for (Future<R> f : futures) {
        out.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SweepDiscoveryException("Sweep discovery was interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
    return out;
  }

  private ExecutorService pool() {
    if (pool == null) {
      String prefix = "shockscope-discovery-" + POOLS.incrementAndGet() + "-";
      AtomicInteger n = new AtomicInteger();
      pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, prefix + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
    return pool;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
