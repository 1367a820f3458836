package org.daitu.vcmon.output.metrics;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One finished run of a Prometheus command-line tool (promtool, amtool): its exit code and what it
 * printed, stdout and stderr together, so a failing test can show the tool's own explanation.
 *
 * <p>Output goes to a temporary file, not a pipe: a long report can then never block the tool.
 */
record ToolRun(List<String> argv, int exitCode, String output) {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  // Test runs do not always have the usual bin directories on PATH.
  private static final List<String> EXTRA_DIRS = List.of("/usr/bin", "/usr/local/bin", "/bin");

  static ToolRun of(Path workDir, String... argv) throws IOException, InterruptedException {
    File out = File.createTempFile("vcmon-tool", ".out");
    try {
      List<String> resolved = new ArrayList<>(List.of(argv));
      resolved.set(0, find(argv[0]).map(Path::toString).orElse(argv[0]));
      Process p =
          new ProcessBuilder(resolved)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not finish within " + LIMIT);
      }
      return new ToolRun(List.of(argv), p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out.toPath());
    }
  }

  /** Where a program lives: PATH first, then the usual directories; empty when not installed. */
  static Optional<Path> find(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(EXTRA_DIRS);
    for (String dir : dirs) {
      Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
      if (candidate != null && Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** For assertion messages: the command and everything it printed. */
  String describe() {
    return "`" + String.join(" ", argv) + "` exited with " + exitCode + ":\n" + output;
  }
}
