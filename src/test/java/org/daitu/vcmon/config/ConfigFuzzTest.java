package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.daitu.vcmon.testing.TestConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feeds the loader broken configs: mutations of the shipped config/vcmon.yaml and hand-made
 * attacks (deep nesting, alias bombs, a huge file, invalid UTF-8). Whatever the input, the loader
 * must return a config or throw a ConfigException naming the file, quickly; any other Throwable
 * would be a stack trace in an operator's face, or a half-started agent.
 *
 * <p>Seeded, so a failure replays: {@code -Dvcmon.fuzz.seed=N}. {@code -Dvcmon.fuzz.inputs=N}
 * runs longer than the CI default.
 */
class ConfigFuzzTest {
  private static final Map<String, String> ENV =
      Map.of(
          "VCMON_SNMP_COMMUNITY", "example-community",
          "VCMON_SNMP_AUTH", "example-auth-pass",
          "VCMON_SNMP_PRIV", "example-priv-pass",
          "VCMON_ADMIN_TOKEN", "example-admin-token-0123456789");
  private static final int INPUTS = Integer.getInteger("vcmon.fuzz.inputs", 5_000);
  private static final long SEED = Long.getLong("vcmon.fuzz.seed", 20200801L);
  /** Generous for a shared CI machine; a real config loads in milliseconds. */
  private static final long MAX_MILLIS_PER_INPUT = 3_000;

  private static final String[] TOKENS = {
    "[", "]", "{", "}", ": ", ":", "- ", ",", "&a ", "*a", "*nope", "!!binary ", "!!int ", "!!map ",
    "!custom ", "? ", "|", ">-", "\"", "'", "#", "\n", "\t", "  ", "%YAML 1.2\n", "%TAG ! x\n",
    "---\n", "...\n", "<<: *a\n", "~", "null", "-1", "99999999999999999999", "1e400", ".nan",
    "\u0000", "\uFEFF", "\u2028", "é", "\\", "0x1F", "2020-02-30", "&a [*a]", "{a: [b, {c: d}]}"
  };
  private static final String[] SWAPS = {"[1, 2]", "{a: b}", "", "[]", "{}", "- x", "~", "&x y"};

  @TempDir Path dir;
  private int tried;
  private int accepted;
  private int rejected;
  private long slowest;

  @Test
  void everyInputGivesAConfigOrAClearProblemReport() throws IOException {
    // The example with its placeholder addresses replaced: as shipped, the loader refuses it.
    byte[] original = TestConfig.exampleWithAddresses().getBytes(StandardCharsets.UTF_8);
    Random random = new Random(SEED);
    // The example names its seeds relative to itself: mirror that layout around the inputs.
    Files.createDirectories(dir.resolve("config"));
    Files.createDirectories(dir.resolve("seeds"));
    Files.copy(
        Path.of("seeds", "dai-tu-2020-units.csv"), dir.resolve("seeds/dai-tu-2020-units.csv"));
    check("the example unchanged", original);
    assertThat(accepted).as("the unchanged example loads").isEqualTo(1);

    // Truncation at regular steps covers every section boundary of the example.
    int step = Math.max(1, original.length / 200);
    for (int n = 0; n < original.length; n += step) {
      check("truncate@" + n, Arrays.copyOf(original, n));
    }
    for (byte[] attack : attacks()) {
      check("attack#" + tried, attack);
    }
    hugeFileIsRefusedWithoutReadingIt();

    while (tried < INPUTS) {
      int kind = random.nextInt(7);
      check("mutation kind=" + kind + " #" + tried, mutate(original, kind, random));
    }
    System.out.printf(
        "ConfigFuzzTest seed=%d tried=%d accepted=%d rejected=%d slowest=%dms%n",
        SEED, tried, accepted, rejected, slowest);
    assertThat(accepted).as("some mutations keep a valid config").isPositive();
    assertThat(rejected).as("most mutations break it").isGreaterThan(accepted);
  }

  private void check(String what, byte[] input) throws IOException {
    tried++;
    Path file = dir.resolve("config/fuzz.yaml");
    Files.write(file, input);
    long start = System.nanoTime();
    try {
      ConfigLoader.load(file, ENV);
      accepted++;
    } catch (ConfigException e) {
      rejected++;
      assertThat(e.getMessage()).as(what).startsWith(file.toString() + ": ");
      assertThat(e.problems()).as(what).isNotEmpty();
      assertThat(e.getMessage()).as(what).doesNotContain("\tat ").doesNotContain("Exception");
    } catch (Throwable t) {
      Path kept = dir.resolve("failing.yaml");
      Files.write(kept, input);
      String shown = new String(input, StandardCharsets.UTF_8);
      fail("%s (seed %d) gave %s instead of a ConfigException; input (first 2000 chars):%n%s",
          what, SEED, t, shown.substring(0, Math.min(2000, shown.length())), t);
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    slowest = Math.max(slowest, millis);
    assertThat(millis).as(what + " took too long").isLessThan(MAX_MILLIS_PER_INPUT);
  }

  private List<byte[]> attacks() {
    List<byte[]> out = new ArrayList<>();
    out.add(utf8("[".repeat(10_000)));
    out.add(utf8("[".repeat(10_000) + "]".repeat(10_000)));
    out.add(utf8("{a:".repeat(10_000) + "b" + "}".repeat(10_000)));
    out.add(utf8("- ".repeat(10_000) + "x"));
    StringBuilder indented = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      indented.append(" ".repeat(i)).append("a:\n");
    }
    out.add(utf8(indented.toString()));
    // Billion laughs: each level refers to the one before nine times.
    StringBuilder laughs = new StringBuilder("a0: &a0 [\"lol\"]\n");
    for (int i = 1; i < 10; i++) {
      laughs.append("a").append(i).append(": &a").append(i).append(" [");
      laughs.append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1))));
      laughs.append("]\n");
    }
    out.add(utf8(laughs.toString()));
    out.add(utf8("sites: &s [*s]\n"));
    out.add(utf8("&k {*k: 1}: 2\n"));
    out.add(utf8(""));
    out.add(utf8("\uFEFF"));
    out.add(utf8("- just\n- a\n- list\n"));
    out.add(utf8("just a value\n"));
    out.add(utf8("sites: 3\nsites: 4\n"));
    out.add(utf8("---\nsites: []\n---\nsites: []\n"));
    out.add(utf8("http: {port: 99999999999999999999}\nsites: [{}]\n"));
    out.add(new byte[] {'s', 'i', 't', 'e', 's', ':', ' ', (byte) 0xC3, 0x28});
    out.add(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0});
    out.add(new byte[] {'a', ':', ' ', (byte) 0xED, (byte) 0xA0, (byte) 0x80});
    out.add(new byte[] {'a', ':', ' ', (byte) 0xC0, (byte) 0xAF});
    out.add(new byte[] {0, 0, 0, 0});
    return out;
  }

  /** 50 MB must be refused by its size, fast, before anything parses it. */
  private void hugeFileIsRefusedWithoutReadingIt() throws IOException {
    tried++;
    Path file = dir.resolve("huge.yaml");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(50L * 1024 * 1024);
    }
    long start = System.nanoTime();
    try {
      ConfigLoader.load(file, ENV);
      fail("a 50 MB config was accepted");
    } catch (ConfigException e) {
      rejected++;
      assertThat(e.getMessage())
          .isEqualTo(
              file + ": 1 problem\n  - (top level): file is too large, got \"" + file
                  + "\" (a config file is at most 10 MiB)");
    } finally {
      Files.delete(file);
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(MAX_MILLIS_PER_INPUT);
  }

  private static byte[] mutate(byte[] original, int kind, Random random) {
    switch (kind) {
      case 0:
        return Arrays.copyOf(original, random.nextInt(original.length));
      case 1: {
        byte[] b = original.clone();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      }
      case 2: {
        String s = new String(original, StandardCharsets.UTF_8);
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
          int at = random.nextInt(s.length() + 1);
          s = s.substring(0, at) + TOKENS[random.nextInt(TOKENS.length)] + s.substring(at);
        }
        return utf8(s);
      }
      case 3: {
        List<String> lines = lines(original);
        int i = random.nextInt(lines.size());
        lines.add(i, lines.get(i));
        return utf8(String.join("\n", lines));
      }
      case 4: {
        List<String> lines = lines(original);
        for (int tries = 0; tries < 50; tries++) {
          int i = random.nextInt(lines.size());
          String line = lines.get(i);
          int colon = line.indexOf(": ");
          if (colon > 0 && !line.stripLeading().startsWith("#")) {
            lines.set(i, line.substring(0, colon + 2) + SWAPS[random.nextInt(SWAPS.length)]);
            break;
          }
        }
        return utf8(String.join("\n", lines));
      }
      case 5: {
        List<String> lines = lines(original);
        lines.remove(random.nextInt(lines.size()));
        return utf8(String.join("\n", lines));
      }
      default: {
        List<String> lines = lines(original);
        int i = random.nextInt(lines.size());
        lines.set(i, " ".repeat(random.nextInt(7)) + lines.get(i).stripLeading());
        return utf8(String.join("\n", lines));
      }
    }
  }

  private static List<String> lines(byte[] b) {
    return new ArrayList<>(Arrays.asList(new String(b, StandardCharsets.UTF_8).split("\n", -1)));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
