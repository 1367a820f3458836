package org.daitu.vcmon.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged agent ({@code target/vcmon.jar}) run as a process of its own, as a user or systemd
 * runs it, for the tests that kill, stop or restart it; and the small host helpers they share.
 */
public final class PackagedAgent {
  public static final Path JAR = Path.of("target", "vcmon.jar");
  /** The environment variable agents started in a namespace find their admin token in. */
  public static final String ADMIN_TOKEN_ENV = "VCMON_IT_ADMIN_TOKEN";
  public static final String ADMIN_TOKEN = "integration-test-admin-token";

  private PackagedAgent() {}

  /** Skips (or fails under CI) a test run before {@code mvn package}. */
  public static void requireBuilt() {
    HostTools.requireBuilt(JAR, "mvn package builds it");
  }

  /** {@code java -jar vcmon.jar --config CFG} in the config's folder, all output into {@code log}. */
  public static Process start(Path cfg, Path log) throws IOException {
    return start(cfg, log, false);
  }

  /**
   * As {@link #start(Path, Path)}; with {@code ownProcessGroup} the agent leads a process group of
   * its own ({@code setsid}), so a signal can go to it and its fping children together, as
   * systemd sends it.
   */
  public static Process start(Path cfg, Path log, boolean ownProcessGroup) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>();
    if (ownProcessGroup) {
      argv.add("setsid");
    }
    argv.addAll(List.of(java, "-jar", JAR.toAbsolutePath().toString(), "--config", cfg.toString()));
    return new ProcessBuilder(argv)
        .directory(cfg.getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /**
   * As {@link #start(Path, Path)}, run through {@code commandPrefix} (such as {@code ip netns exec
   * vcmt-v1}, so that the agent and its fping children live in that network namespace), with its
   * output appended to {@code log} so that a restarted agent keeps one log. The prefix must exec
   * the agent (as {@code ip netns exec} does): signals to the returned process then reach the JVM.
   */
  public static Process start(List<String> commandPrefix, Path cfg, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(commandPrefix);
    argv.addAll(List.of(java, "-jar", JAR.toAbsolutePath().toString(), "--config", cfg.toString()));
    ProcessBuilder pb = new ProcessBuilder(argv)
        .directory(cfg.getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        ;
    pb.environment().put(ADMIN_TOKEN_ENV, ADMIN_TOKEN);
    return pb.start();
  }

  /** Runs an nftables script; its exit code, -1 when it could not run or took over 10 s. */
  public static int nft(String script) {
    try {
      Process p =
          new ProcessBuilder("nft", script)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** A TCP port free on this machine now (for a config that must name its port). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Sleeps, keeping the interrupt for the caller. */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
