package org.daitu.vcmon.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One run of a host program (ip, nft, sysctl...) with a time limit, for the test fixtures.
 *
 * <p>Output goes to temporary files rather than pipes: a program that leaves a daemon behind
 * holding the pipe open, or that writes more than a pipe buffer, can then neither hang the
 * caller nor lose what it printed.
 */
final class HostCommand {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  // Test runs do not always have the sbin directories on PATH, where ip, nft and snmpd live.
  private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private final List<String> argv;
  private final Map<String, String> env = new LinkedHashMap<>();
  private String stdin;
  private Duration timeout = DEFAULT_TIMEOUT;

  private HostCommand(List<String> argv) {
    this.argv = List.copyOf(argv);
  }

  static HostCommand of(String... argv) {
    return new HostCommand(List.of(argv));
  }

  static HostCommand of(List<String> argv) {
    return new HostCommand(argv);
  }

  /** Text fed to the program's standard input (ip -batch, nft -f). */
  HostCommand stdin(String text) {
    this.stdin = text;
    return this;
  }

  /** An environment variable for the program, on top of this JVM's environment. */
  HostCommand env(String name, String value) {
    env.put(name, value);
    return this;
  }

  HostCommand timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /**
   * Runs the program and returns its standard output.
   *
   * @throws IOException when it cannot start, exits non-zero or outlives its time limit; the
   *     message holds the command line and what it wrote on stderr
   */
  String run() throws IOException, InterruptedException {
    Result r = execute();
    if (r.exitCode != 0) {
      throw new IOException(
          "command `" + String.join(" ", argv) + "` failed with exit code " + r.exitCode + ": "
              + (r.stderr.isBlank() ? "(nothing on stderr)" : r.stderr.strip()));
    }
    return r.stdout;
  }

  /** Runs the program and tells only whether it exited with 0; for probes and clean-up. */
  boolean succeeds() throws InterruptedException {
    try {
      return execute().exitCode == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs the program whatever its exit code; the caller reads code and both outputs. */
  Result execute() throws IOException, InterruptedException {
    File out = File.createTempFile("vcmon-cmd", ".out");
    File err = File.createTempFile("vcmon-cmd", ".err");
    File in = null;
    try {
      List<String> resolved = new ArrayList<>(argv);
      resolved.set(0, executable(argv.get(0)).map(Path::toString).orElse(argv.get(0)));
      ProcessBuilder pb = new ProcessBuilder(resolved).redirectOutput(out).redirectError(err);
      pb.environment().putAll(env);
      if (stdin != null) {
        in = File.createTempFile("vcmon-cmd", ".in");
        Files.writeString(in.toPath(), stdin, StandardCharsets.UTF_8);
        pb.redirectInput(in);
      } else {
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            "command `" + String.join(" ", argv) + "` did not finish within "
                + timeout.toMillis() + " ms");
      }
      return new Result(
          p.exitValue(),
          Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out.toPath());
      Files.deleteIfExists(err.toPath());
      if (in != null) {
        Files.deleteIfExists(in.toPath());
      }
    }
  }

  /** Where a program lives: an absolute path as given, else PATH, else the usual system dirs. */
  static Optional<Path> executable(String name) {
    if (name.contains("/")) {
      Path p = Path.of(name);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(EXTRA_DIRS);
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return String.join(" ", argv);
  }

  /** Exit code and outputs of a finished program. */
  record Result(int exitCode, String stdout, String stderr) {}
}
