package org.daitu.vcmon.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ParserException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Strict, typed reads from the node tree of one YAML file. We bind from snakeyaml-engine's node
 * tree rather than from maps of Java objects because nodes keep their line, so every problem points
 * at the line to fix, and because duplicate keys stay visible (a map would silently keep one). Each
 * read that fails records a problem and returns null; the caller goes on, so one run reports every
 * mistake.
 */
final class YamlFile {
  static final String SECRET = "<secret>";

  /** Far above any real config (30 sites take a few KiB); bounds memory on a wrong file. */
  static final int MAX_BYTES = 10 * 1024 * 1024;

  /** A real config nests a handful of levels; this leaves room and keeps the composer's stack small. */
  static final int MAX_DEPTH = 64;

  /** Anchors are rare in a config; a cap stops an alias bomb ("billion laughs"). */
  static final int MAX_ALIASES = 50;

  private final String prefix;
  private final int rank;
  private final Problems problems;

  /**
   * @param prefix put before every key path, so problems in a file other than the config name it
   *     ({@code "sites.yaml: "}); empty for the config file itself
   * @param rank where this file's problems go in the report, see {@link Problems}
   */
  YamlFile(String prefix, int rank, Problems problems) {
    this.prefix = prefix;
    this.rank = rank;
    this.problems = problems;
  }

  /**
   * Reads and composes the file. A missing file, bad UTF-8 or a YAML syntax error is recorded as
   * one problem at {@code path} (line {@code refLine} of the referring file, if any).
   *
   * @return the root node; empty when the file is empty or could not be read
   */
  Optional<Node> parse(Path file, String path, int refLine, int refRank) {
    String text;
    try {
      byte[] bytes;
      // Read at most one byte past the limit: a huge file (or /dev/zero) is refused without being
      // read into memory whole.
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        problems.add(
            refRank,
            new ConfigProblem(
                path,
                refLine,
                "file is too large",
                file.toString(),
                "a config file is at most " + MAX_BYTES / (1024 * 1024) + " MiB"));
        return Optional.empty();
      }
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (NoSuchFileException e) {
      problems.add(
          refRank, new ConfigProblem(path, refLine, "file not found", file.toString(), null));
      return Optional.empty();
    } catch (CharacterCodingException e) {
      problems.add(
          refRank,
          new ConfigProblem(
              path, refLine, "file is not UTF-8 text", file.toString(), "save it as UTF-8"));
      return Optional.empty();
    } catch (IOException e) {
      problems.add(
          refRank,
          new ConfigProblem(
              path, refLine, "cannot read file", file.toString(), unreadable(file, e)));
      return Optional.empty();
    }
    try {
      // The label stays empty: marks are only used for their line, never printed as a snippet
      // (a snippet could show a secret written on that line).
      LoadSettings settings =
          LoadSettings.builder()
              .setLabel("")
              .setCodePointLimit(MAX_BYTES)
              .setMaxAliasesForCollections(MAX_ALIASES)
              .setAllowRecursiveKeys(false)
              .build();
      Parser parser = new DepthLimit(new ParserImpl(settings, new StreamReader(settings, text)));
      return new Composer(settings, parser).getSingleNode();
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
      String what =
          e.getContext() == null ? e.getProblem() : e.getContext() + ": " + e.getProblem();
      problem("", line, "YAML syntax error: " + what, null, null);
      return Optional.empty();
    } catch (YamlEngineException e) {
      problem("", 0, "YAML syntax error: " + e.getMessage(), null, null);
      return Optional.empty();
    }
  }

  /**
   * Refuses lists and maps nested deeper than {@link #MAX_DEPTH}. snakeyaml-engine's composer
   * recurses once per level and has no depth setting of its own, so without this a file of ten
   * thousand "[" ends in a StackOverflowError instead of a problem report. The parser underneath
   * keeps its own stack on the heap, so counting its events is safe at any depth.
   */
  private static final class DepthLimit implements Parser {
    private final Parser parser;
    private int depth;

    DepthLimit(Parser parser) {
      this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
      return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return parser.hasNext();
    }

    @Override
    public Event next() {
      Event e = parser.next();
      Event.ID id = e.getEventId();
      if (id == Event.ID.SequenceStart || id == Event.ID.MappingStart) {
        if (++depth > MAX_DEPTH) {
          throw new ParserException(
              "lists and maps are nested more than " + MAX_DEPTH + " levels deep",
              e.getStartMark());
        }
      } else if (id == Event.ID.SequenceEnd || id == Event.ID.MappingEnd) {
        depth--;
      }
      return e;
    }
  }

  String prefix() {
    return prefix;
  }

  int rank() {
    return rank;
  }

  void problem(String path, Node at, String message, String found, String hint) {
    problem(path, line(at), message, found, hint);
  }

  void problem(String path, int line, String message, String found, String hint) {
    // A block scalar may hold line breaks; the report keeps one line per problem.
    String shown = found == null ? null : found.replace("\r", "\\r").replace("\n", "\\n");
    problems.add(rank, new ConfigProblem(prefix + path, line, message, shown, hint));
  }

  static int line(Node node) {
    return node == null ? 0 : node.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(0);
  }

  static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String item(String path, int index) {
    return path + "[" + index + "]";
  }

  /** {@code key:} with nothing after it, or an explicit null, counts as not written. */
  static boolean isNull(Node node) {
    return node == null
        || (node instanceof ScalarNode s
            && (Tag.NULL.equals(s.getTag()) || (s.isPlain() && s.getValue().isEmpty())));
  }

  private static String kind(Node node) {
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof MappingNode) {
      return "a map";
    }
    return "a value";
  }

  /**
   * The entries of a map, checked: duplicate keys, unknown keys (with a "did you mean") and
   * non-text keys are problems and left out.
   *
   * @return key to value node in file order; null when the node is not a map
   */
  Map<String, Node> map(Node node, String path, List<String> known) {
    if (!(node instanceof MappingNode)) {
      typeProblem(node, path, "must be a map of keys (key: value)");
      return null;
    }
    Map<String, Node> out = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new LinkedHashMap<>();
    for (NodeTuple t : ((MappingNode) node).getValue()) {
      Node k = t.getKeyNode();
      if (!(k instanceof ScalarNode)) {
        problem(path, k, "keys must be plain names, not " + kind(k), null, null);
        continue;
      }
      String key = ((ScalarNode) k).getValue();
      String keyPath = child(path, key);
      if (firstLine.containsKey(key)) {
        problem(
            keyPath,
            k,
            "duplicate key",
            key,
            "first set on line " + firstLine.get(key) + "; keep one");
        continue;
      }
      firstLine.put(key, line(k));
      if (known != null && !known.contains(key)) {
        String hint =
            Spelling.closest(key, known)
                .map(s -> "did you mean \"" + s + "\"?")
                .orElse("known keys: " + String.join(", ", known));
        problem(keyPath, k, "unknown key", key, hint);
        continue;
      }
      out.put(key, t.getValueNode());
    }
    return out;
  }

  /** A map that may be left out: null node gives an empty map. */
  Map<String, Node> optionalMap(Node node, String path, List<String> known) {
    if (isNull(node)) {
      return Map.of();
    }
    Map<String, Node> m = map(node, path, known);
    return m == null ? Map.of() : m;
  }

  /**
   * @return the items, or null (and a problem) when the node is not a list
   */
  List<Node> list(Node node, String path) {
    if (!(node instanceof SequenceNode)) {
      typeProblem(node, path, "must be a list (lines starting with \"- \")");
      return null;
    }
    return new ArrayList<>(((SequenceNode) node).getValue());
  }

  private void typeProblem(Node node, String path, String rule) {
    if (node instanceof ScalarNode s) {
      problem(path, node, rule, s.getValue(), null);
    } else {
      problem(path, node, rule + ", not " + kind(node), null, null);
    }
  }

  /**
   * The text of a single value. Never echoes the node (a list or map has no single text), so it is
   * safe for secrets too.
   *
   * @return the text, or null (and a problem) when the node is a list or a map
   */
  String text(Node node, String path) {
    if (node instanceof ScalarNode s) {
      return s.getValue();
    }
    problem(path, node, "must be a single value, not " + kind(node), null, null);
    return null;
  }

  /** A value that is required: missing, empty or blank is a problem at {@code owner}'s line. */
  String required(Map<String, Node> m, String path, String key, Node owner, boolean secret) {
    Node n = m.get(key);
    String keyPath = child(path, key);
    if (isNull(n)) {
      problem(keyPath, n == null ? owner : n, "is required", null, null);
      return null;
    }
    String t = text(n, keyPath);
    if (t != null && t.isBlank()) {
      problem(keyPath, n, "must not be empty", secret ? SECRET : t, null);
      return null;
    }
    return t;
  }

  /** A value that may be left out: null when absent, empty or not a single value. */
  String optional(Map<String, Node> m, String path, String key, boolean secret) {
    Node n = m.get(key);
    if (isNull(n)) {
      return null;
    }
    String keyPath = child(path, key);
    String t = text(n, keyPath);
    if (t != null && t.isBlank()) {
      problem(keyPath, n, "must not be empty", secret ? SECRET : t, null);
      return null;
    }
    return t;
  }

  /**
   * @return the number, the default when absent, or null (and a problem) when invalid
   */
  /** {@link #integer(Map, String, String, Integer, int, int)} with the default and range of {@code k}. */
  Integer integer(Map<String, Node> m, String path, ConfigKeys.Key k) {
    return integer(m, path, k.name(), k.intDefault(), k.intMin(), k.intMax());
  }

  /** {@link #duration(Map, String, String, Duration, Duration, Duration)} with those of {@code k}. */
  Duration duration(Map<String, Node> m, String path, ConfigKeys.Key k) {
    return duration(m, path, k.name(), k.durationDefault(), k.durationMin(), k.durationMax());
  }

  /** {@link #decimal(Map, String, String, Double, double, double)} with those of {@code k}. */
  Double decimal(Map<String, Node> m, String path, ConfigKeys.Key k) {
    return decimal(m, path, k.name(), (Double) k.def(), (Double) k.min(), (Double) k.max());
  }

  Integer integer(Map<String, Node> m, String path, String key, Integer def, int min, int max) {
    Node n = m.get(key);
    if (isNull(n)) {
      return def;
    }
    String keyPath = child(path, key);
    String t = text(n, keyPath);
    if (t == null) {
      return null;
    }
    long v;
    try {
      v = Long.parseLong(t.strip());
    } catch (NumberFormatException e) {
      problem(keyPath, n, "must be a whole number", t, null);
      return null;
    }
    if (v < min || v > max) {
      problem(keyPath, n, rangeRule(min, max), t, null);
      return null;
    }
    return (int) v;
  }

  private static String rangeRule(long min, long max) {
    return max == Integer.MAX_VALUE
        ? "must be at least " + min
        : "must be between " + min + " and " + max;
  }

  /**
   * @return the number, the default when absent, or null (and a problem) when invalid
   */
  Double decimal(Map<String, Node> m, String path, String key, Double def, double min, double max) {
    Node n = m.get(key);
    if (isNull(n)) {
      return def;
    }
    String keyPath = child(path, key);
    String t = text(n, keyPath);
    if (t == null) {
      return null;
    }
    double v;
    try {
      v = Double.parseDouble(t.strip());
    } catch (NumberFormatException e) {
      problem(keyPath, n, "must be a number", t, null);
      return null;
    }
    if (!(v >= min && v <= max)) {
      problem(keyPath, n, "must be between " + plain(min) + " and " + plain(max), t, null);
      return null;
    }
    return v;
  }

  private static String plain(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /**
   * @return the duration, the default when absent, or null (and a problem) when invalid
   */
  Duration duration(
      Map<String, Node> m, String path, String key, Duration def, Duration min, Duration max) {
    Node n = m.get(key);
    if (isNull(n)) {
      return def;
    }
    String keyPath = child(path, key);
    String t = text(n, keyPath);
    if (t == null) {
      return null;
    }
    Duration d;
    try {
      d = Durations.parse(t);
    } catch (IllegalArgumentException e) {
      problem(
          keyPath,
          n,
          "must be a duration: a whole number and a unit (ms, s, m, h)",
          t,
          durationHint(t));
      return null;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      problem(
          keyPath,
          n,
          "must be between " + Durations.format(min) + " and " + Durations.format(max),
          t,
          null);
      return null;
    }
    return d;
  }

  private static String durationHint(String t) {
    String s = t.strip();
    if (s.matches("\\d+")) {
      return "add a unit, e.g. \"" + s + "s\"";
    }
    if (s.matches("\\d*[.,]\\d+\\s*(ms|s|m|h)")) {
      return "use a smaller unit instead of a fraction, e.g. \"1500ms\"";
    }
    if (s.matches("\\d+\\s*[a-zA-Z]+")) {
      return "units are ms, s, m and h, e.g. \"500ms\", \"30s\", \"5m\", \"1h\"";
    }
    return "e.g. \"500ms\", \"30s\", \"5m\", \"1h\"";
  }

  /** Why {@code file} could not be read, in words for the hint: never an exception's name. */
  static String unreadable(Path file, IOException e) {
    if (Files.isDirectory(file)) {
      return "it is a directory, not a file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied for the user vcmon runs as";
    }
    String detail = e.getMessage();
    return detail == null || detail.isBlank() || detail.equals(file.toString())
        ? "read error"
        : "read error: " + detail;
  }
}
