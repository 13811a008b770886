package io.herald.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Not a JMH benchmark: the machine's floor under a path of thread hand-offs. A token goes from this thread through
 * {@code k} threads in a row and back ({@code k + 1} wake-ups of a parked thread, no other work), one token every
 * {@code gap} microseconds, as a message of the cluster's hop goes from an event loop to Hazelcast's threads and on
 * (docs/performance.md, "the hop"); prints each chain's percentiles. On a VM a wake-up can wait for the host to run
 * the vCPU, which no code on the path can shorten.
 * <pre>
 * java -cp bench/target/benchmarks.jar io.herald.bench.HandOffChain 3000 10000 1 4 8 12   # tokens, gap us, k...
 * </pre>
 */
public final class HandOffChain {

  private static final int WARM_UP = 200;

  private HandOffChain() {
  }

  public static void main(String[] args) throws InterruptedException {
    int tokens = Integer.parseInt(args[0]);
    long gapMicros = Long.parseLong(args[1]);
    for (int a = 2; a < args.length; a++) {
      int k = Integer.parseInt(args[a]);
      long[] micros = chain(k, tokens, gapMicros);
      Arrays.sort(micros);
      System.out.printf(Locale.ROOT, "%2d threads (%2d wake-ups): p50 %5d  p90 %5d  p99 %6d  p99.9 %6d  max %6d us%n",
          k, k + 1, at(micros, 0.5), at(micros, 0.9), at(micros, 0.99), at(micros, 0.999), micros[micros.length - 1]);
    }
  }

  /** Round trips of {@code tokens} tokens through {@code k} threads, after a warm-up, in microseconds. */
  private static long[] chain(int k, int tokens, long gapMicros) throws InterruptedException {
    @SuppressWarnings("unchecked")
    BlockingQueue<Long>[] queues = new BlockingQueue[k + 1];
    for (int i = 0; i <= k; i++) {
      queues[i] = new LinkedBlockingQueue<>();
    }
    Thread[] threads = new Thread[k];
    for (int i = 0; i < k; i++) {
      BlockingQueue<Long> in = queues[i];
      BlockingQueue<Long> out = queues[i + 1];
      threads[i] = new Thread(() -> {
        try {
          while (true) {
            out.put(in.take());
          }
        } catch (InterruptedException e) {
          // the chain is done
        }
      }, "hand-off-" + i);
      threads[i].setDaemon(true);
      threads[i].start();
    }
    long[] micros = new long[tokens];
    for (int t = 0; t < WARM_UP + tokens; t++) {
      Thread.sleep(gapMicros / 1000, (int) (gapMicros % 1000) * 1000);
      long start = System.nanoTime();
      queues[0].put(start);
      queues[k].take();
      if (t >= WARM_UP) {
        micros[t - WARM_UP] = (System.nanoTime() - start) / 1000;
      }
    }
    for (Thread thread : threads) {
      thread.interrupt();
    }
    return micros;
  }

  private static long at(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) (quantile * sorted.length))];
  }
}
