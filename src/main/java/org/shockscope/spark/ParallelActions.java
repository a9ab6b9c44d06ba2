package org.shockscope.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Independent Spark actions of one job stage (table writes, a report's queries), run side by
 * side on a few driver threads.
 *
 * <p>On a small sweep each action is a handful of Spark jobs with a few milliseconds of task
 * work each, and most of its wall time is the driver planning the query, generating code and
 * committing files: run one at a time, they leave the second core and the executors idle.
 * Spark's scheduler takes jobs from several threads at once (its local properties, the SQL
 * execution id among them, are per thread). The actions must not share mutable state: each
 * table write goes to a folder of its own.
 *
 * <p>{@link #run} waits for every action, also when one fails, so that none is still running
 * when the job goes on or stops; it then throws the first failure (in the order the actions
 * were added; a runtime exception or an error) with the others attached as suppressed
 * exceptions. A {@link Result} is read after
 * {@code run}.
 */
public final class ParallelActions {
  /**
   * Driver threads: enough to overlap one query's planning with another's tasks on a 2-core
   * driver, few enough that a cluster's scheduler does not see a burst of jobs.
   */
  public static final int THREADS = 3;
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final List<Supplier<?>> actions = new ArrayList<>();
  private final List<Result<?>> results = new ArrayList<>();
  private boolean ran;

  /** An action's value, available once {@link ParallelActions#run} returned. */
  public static final class Result<T> {
    private T value;
    private boolean set;

    /** The value the action returned; fails before {@code run}. */
    public T get() {
      if (!set) {
        throw new IllegalStateException("the actions have not run");
      }
      return value;
    }
  }

  /** Adds an action with no value. */
  public ParallelActions add(Runnable action) {
    add(() -> {
      action.run();
      return null;
    });
    return this;
  }

  /** Adds an action and returns where its value will be. */
  public <T> Result<T> add(Supplier<T> action) {
    if (ran) {
      throw new IllegalStateException("the actions have run already");
    }
    Result<T> r = new Result<>();
    actions.add(action);
    results.add(r);
    return r;
  }

  /** Runs the actions added, at most {@link #THREADS} at a time, and waits for all of them. */
  public void run() {
    if (ran) {
      throw new IllegalStateException("the actions have run already");
    }
    ran = true;
    if (actions.size() <= 1) {
      for (int i = 0; i < actions.size(); i++) {
        set(results.get(i), actions.get(i).get());
      }
      return;
    }
    int pool = POOLS.incrementAndGet();
    AtomicInteger thread = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(Math.min(THREADS, actions.size()),
        r -> {
          Thread t = new Thread(r, "shockscope-actions-" + pool + "-" + thread.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Supplier<?> a : actions) {
        futures.add(threads.submit(a::get));
      }
      Throwable first = null;
      for (int i = 0; i < futures.size(); i++) {
        try {
          set(results.get(i), await(futures.get(i)));
        } catch (RuntimeException | Error e) {
          // an Error too (an action's OutOfMemoryError, say) waits for the others to end
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first instanceof Error e) {
        throw e;
      }
      if (first != null) {
        throw (RuntimeException) first;
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> void set(Result<T> r, Object value) {
    r.value = (T) value;
    r.set = true;
  }

  /** {@code f}'s value, or the runtime exception its action threw; waits for it. */
  private static Object await(Future<?> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          // every action must end before the job goes on: wait, and restore the flag after
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof RuntimeException r) {
            throw r;
          }
          if (c instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(c);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
