package org.shockscope.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ShutdownHookManager;
import org.shockscope.spark.SweepWatcher;

/**
 * Runs a {@link SweepWatcher} so that Ctrl-C (or any JVM shutdown) stops it cleanly: a shutdown
 * hook asks the watcher to stop, waits for the cycle under way to finish and the session to be
 * closed, and only then lets the JVM go on shutting down.
 *
 * <p>The hook is registered with Hadoop's shutdown hook manager at a priority above Spark's own
 * hook ({@link #PRIORITY} &gt; the priority 40 under which Spark stops its context), so the
 * Spark context is still running while the cycle finishes. It waits at most {@link #GRACE}.
 */
final class WatchShutdown {
  /** Above Spark's hook ({@code FileSystem.SHUTDOWN_HOOK_PRIORITY + 30}): runs before it. */
  static final int PRIORITY = 100;
  /** Longest wait for the cycle under way, in seconds. */
  static final long GRACE = 600;

  private WatchShutdown() {}

  /** Runs the watcher on this thread until it stops, then closes the session. */
  static void watch(SweepWatcher watcher, CommandSession session) {
    CountDownLatch done = new CountDownLatch(1);
    Runnable hook = () -> {
      watcher.stop();
      try {
        done.await(GRACE, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    ShutdownHookManager hooks = ShutdownHookManager.get();
    hooks.addShutdownHook(hook, PRIORITY, GRACE, TimeUnit.SECONDS);
    try {
      watcher.run();
    } finally {
      session.close();
      done.countDown();
      if (!hooks.isShutdownInProgress()) {
        hooks.removeShutdownHook(hook);
      }
    }
  }
}
