package org.daitu.vcmon.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a seeds file (CSV, RFC 4180, UTF-8, header row) into {@link SeedUnit}s. The columns {@code
 * code, slug, name, type, lat, lon} are required in the header, in any order; other columns (area,
 * population, source) are documentation and ignored. Every bad row is a {@link SeedProblem}
 * naming the file and the row's line, so a broken seeds file is reported together with the config
 * that uses it.
 */
public final class SeedLoader {
  private static final List<String> REQUIRED =
      List.of("code", "slug", "name", "type", "lat", "lon");
  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern CODE = Pattern.compile("[0-9]{1,10}");

  private SeedLoader() {}

  /** The units read and the problems found; units from bad rows are left out. */
  public record Seeds(List<SeedUnit> units, List<SeedProblem> problems) {
    public Seeds {
      units = List.copyOf(units);
      problems = List.copyOf(problems);
    }

    public Optional<SeedUnit> bySlug(String slug) {
      return units.stream().filter(u -> u.slug().equals(slug)).findFirst();
    }
  }

  /**
   * Reads {@code file}; problems name it as written in {@code file.toString()}.
   *
   * @throws IOException when the file cannot be read at all (missing, not UTF-8)
   */
  public static Seeds load(Path file) throws IOException {
    // readString fails on bad UTF-8 instead of replacing it: mojibake must not reach the page.
    return parse(file.toString(), Files.readString(file));
  }

  /** Parses CSV text; {@code label} names the file in problems. */
  public static Seeds parse(String label, String text) {
    List<SeedProblem> problems = new ArrayList<>();
    List<SeedUnit> units = new ArrayList<>();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<Record> records = records(label, text, problems);
    if (records.isEmpty()) {
      if (problems.isEmpty()) {
        problems.add(
            new SeedProblem(
                label,
                0,
                "empty seeds file, expected a header row",
                null,
                "first line: " + String.join(",", REQUIRED)));
      }
      return new Seeds(units, problems);
    }
    Record header = records.get(0);
    Map<String, Integer> column = new LinkedHashMap<>();
    for (int i = 0; i < header.fields().size(); i++) {
      column.putIfAbsent(header.fields().get(i).strip(), i);
    }
    List<String> missing = REQUIRED.stream().filter(c -> !column.containsKey(c)).toList();
    if (!missing.isEmpty()) {
      problems.add(
          new SeedProblem(
              label,
              header.line(),
              "header lacks column(s) " + String.join(", ", missing),
              String.join(",", header.fields()),
              "required: " + String.join(", ", REQUIRED)));
      return new Seeds(units, problems);
    }
    Map<String, Integer> slugLine = new HashMap<>();
    for (Record r : records.subList(1, records.size())) {
      if (r.fields().size() == 1 && r.fields().get(0).isBlank()) {
        continue; // a blank line, e.g. at the end
      }
      if (r.fields().size() != header.fields().size()) {
        problems.add(
            new SeedProblem(
                label,
                r.line(),
                "row has "
                    + r.fields().size()
                    + " fields, the header has "
                    + header.fields().size(),
                null,
                "quote fields that contain commas: \"a, b\""));
        continue;
      }
      SeedUnit u = unit(label, r, column, problems);
      if (u == null) {
        continue;
      }
      Integer first = slugLine.putIfAbsent(u.slug(), r.line());
      if (first != null) {
        problems.add(
            new SeedProblem(
                label, r.line(), "duplicate slug", u.slug(), "first on line " + first));
        continue;
      }
      units.add(u);
    }
    // Quote errors are found while splitting, before the row checks: report in line order.
    problems.sort(java.util.Comparator.comparingInt(SeedProblem::line));
    return new Seeds(units, problems);
  }

  private static SeedUnit unit(
      String label, Record r, Map<String, Integer> column, List<SeedProblem> problems) {
    int before = problems.size();
    String code = field(r, column, "code");
    String slug = field(r, column, "slug");
    String name = field(r, column, "name");
    String typeText = field(r, column, "type");
    String latText = field(r, column, "lat");
    String lonText = field(r, column, "lon");
    if (!CODE.matcher(code).matches()) {
      problems.add(new SeedProblem(label, r.line(), "code must be digits", oneLine(code), null));
    }
    if (!SLUG.matcher(slug).matches()) {
      problems.add(
          new SeedProblem(
              label,
              r.line(),
              "slug must be lower-case letters and digits, words joined by \"-\"",
              oneLine(slug),
              null));
    }
    if (name.isEmpty()) {
      problems.add(new SeedProblem(label, r.line(), "name is empty", null, null));
    }
    Optional<SiteType> type = SiteType.fromLabel(typeText);
    if (type.isEmpty()) {
      problems.add(
          new SeedProblem(
              label, r.line(), "unknown type", oneLine(typeText), "allowed: " + typeLabels()));
    }
    Double lat = coordinate(label, r, "lat", latText, 90, problems);
    Double lon = coordinate(label, r, "lon", lonText, 180, problems);
    if (problems.size() == before && (lat == null) != (lon == null)) {
      problems.add(
          new SeedProblem(
              label,
              r.line(),
              "lat and lon must both be set or both be empty",
              latText + "," + lonText,
              null));
    }
    if (problems.size() != before) {
      return null;
    }
    return new SeedUnit(code, slug, name, type.get(), lat, lon);
  }

  private static Double coordinate(
      String label, Record r, String col, String text, double limit, List<SeedProblem> problems) {
    if (text.isEmpty()) {
      return null;
    }
    String rule = col + " must be a number between -" + (int) limit + " and " + (int) limit;
    try {
      double v = Double.parseDouble(text);
      if (v >= -limit && v <= limit) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below, with the same rule as an out-of-range value
    }
    problems.add(new SeedProblem(label, r.line(), rule, oneLine(text), null));
    return null;
  }

  /** A quoted field may hold line breaks; the report keeps one line per problem. */
  private static String oneLine(String text) {
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }

  static String typeLabels() {
    StringBuilder b = new StringBuilder();
    for (SiteType t : SiteType.values()) {
      b.append(b.length() == 0 ? "" : ", ").append(t.label());
    }
    return b.toString();
  }

  private static String field(Record r, Map<String, Integer> column, String name) {
    return r.fields().get(column.get(name)).strip();
  }

  /** One CSV record and the 1-based line it starts on (a quoted field may span lines). */
  private record Record(int line, List<String> fields) {}

  private static final String QUOTE_HINT =
      "quote the whole field and double inner quotes: \"say \"\"hi\"\"\"";

  /**
   * Splits RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a quoted field may hold
   * commas, line breaks and doubled quotes. A quote in the middle of a field is a problem and drops
   * that record only; an unterminated quote is a problem at the line where its record starts and
   * drops the rest (everything after it is inside the quote).
   */
  private static List<Record> records(String label, String text, List<SeedProblem> problems) {
    List<Record> out = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    int line = 1;
    int start = 1;
    boolean quoted = false;
    boolean wasQuoted = false;
    boolean broken = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            f.append('"');
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          if (c == '\n') {
            line++;
          }
          f.append(c);
        }
        i++;
        continue;
      }
      if (c == '"' && f.length() == 0 && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (c == '"') {
        if (!broken) {
          problems.add(
              new SeedProblem(label, line, "quote inside an unquoted field", null, QUOTE_HINT));
        }
        broken = true;
      } else if (c == ',') {
        fields.add(f.toString());
        f.setLength(0);
        wasQuoted = false;
      } else if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
        i++;
        continue;
      } else if (c == '\n') {
        fields.add(f.toString());
        if (!broken) {
          out.add(new Record(start, List.copyOf(fields)));
        }
        fields.clear();
        f.setLength(0);
        wasQuoted = false;
        broken = false;
        line++;
        start = line;
      } else if (wasQuoted) {
        if (!broken) {
          problems.add(
              new SeedProblem(label, line, "text after a closing quote", null, QUOTE_HINT));
        }
        broken = true;
      } else {
        f.append(c);
      }
      i++;
    }
    if (quoted) {
      problems.add(
          new SeedProblem(label, start, "quote opened in this row is never closed", null, null));
      return out;
    }
    if (!broken && (f.length() > 0 || !fields.isEmpty() || wasQuoted)) {
      fields.add(f.toString());
      out.add(new Record(start, List.copyOf(fields)));
    }
    return out;
  }
}
