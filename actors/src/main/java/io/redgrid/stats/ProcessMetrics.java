package io.redgrid.stats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of this process, from /proc on Linux and the JVM's beans elsewhere. */
public final class ProcessMetrics {
  /** USER_HZ: the unit of /proc/self/stat's times on every Linux architecture the JVM runs on. */
  private static final double CLOCK_TICKS = 100.0;
  private static final long PAGE_SIZE = 4096;

  private ProcessMetrics() {}

  /** {user, system} CPU seconds of the whole process. */
  public static double[] cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // The command name may hold spaces: fields are counted after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new double[] {Long.parseLong(fields[11]) / CLOCK_TICKS, Long.parseLong(fields[12]) / CLOCK_TICKS};
    } catch (IOException | RuntimeException e) {
      java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
        return new double[] {sun.getProcessCpuTime() / 1e9, 0};
      }
      return new double[] {0, 0};
    }
  }

  /** {user, system} CPU seconds of the calling thread (Redis' *_main_thread figures). */
  public static double[] threadCpuSeconds() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isCurrentThreadCpuTimeSupported()) {
      return new double[] {0, 0};
    }
    long total = threads.getCurrentThreadCpuTime();
    long user = threads.getCurrentThreadUserTime();
    return new double[] {user / 1e9, Math.max(0, total - user) / 1e9};
  }

  /** Resident set size in bytes (/proc/self/statm), or the committed heap where there is no /proc. */
  public static long residentBytes() {
    try {
      String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
      return Long.parseLong(statm[1]) * PAGE_SIZE;
    } catch (IOException | RuntimeException e) {
      return Runtime.getRuntime().totalMemory();
    }
  }

  /** Physical memory of the machine, or 0 if unknown. */
  public static long totalSystemMemory() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getTotalMemorySize();
    }
    return 0;
  }

  /** Heap bytes in use: keys and values live on the heap with everything else. */
  public static long heapUsed() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
