package org.daitu.vcmon.probe.icmp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a child process writes on one pipe, at most {@code maxBytes} and never past a
 * deadline. A process that floods its output costs bounded memory (reading stops at the bound,
 * and the caller kills it), and one that never exits, or leaves a child holding the pipe open
 * after it exits, cannot hold the reading thread.
 *
 * <p>It polls {@link InputStream#available()} instead of blocking in {@code read}: a blocked
 * read can be woken neither by a deadline nor by the process exiting while another process still
 * holds the pipe's write end.
 */
final class BoundedOutput {

  /** Between two looks at an idle pipe: short next to any fping run, cheap for a worker thread. */
  static final long POLL_MILLIS = 10;

  /**
   * @param text what was read, decoded as UTF-8 (invalid bytes become U+FFFD)
   * @param overflowed the process wrote more than the bound; reading stopped there
   * @param timedOut the deadline came while the process was still running
   */
  record Captured(String text, boolean overflowed, boolean timedOut) {}

  private BoundedOutput() {}

  /**
   * Reads {@code in} until {@code process} has exited and the pipe holds nothing more, until
   * {@code maxBytes} were read, or until {@code deadlineNanos} (a {@link System#nanoTime()}
   * value). Does not close the stream.
   */
  static Captured read(Process process, InputStream in, long deadlineNanos, int maxBytes)
      throws IOException, InterruptedException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    boolean exited = false;
    while (true) {
      int available = in.available();
      if (available > 0) {
        if (kept.size() >= maxBytes) {
          return new Captured(kept.toString(StandardCharsets.UTF_8), true, false);
        }
        int n = in.read(buffer, 0, Math.min(Math.min(buffer.length, available), maxBytes - kept.size()));
        if (n < 0) {
          break;
        }
        kept.write(buffer, 0, n);
        continue;
      }
      if (exited) {
        break; // one more look after the exit was seen: what it wrote last is in
      }
      if (!process.isAlive()) {
        exited = true;
        continue;
      }
      if (System.nanoTime() - deadlineNanos >= 0) {
        return new Captured(kept.toString(StandardCharsets.UTF_8), false, true);
      }
      Thread.sleep(POLL_MILLIS);
    }
    return new Captured(kept.toString(StandardCharsets.UTF_8), false, false);
  }
}
