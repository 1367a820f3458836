package org.daitu.vcmon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.daitu.vcmon.cluster.ClusterMessages.Text;
import org.daitu.vcmon.state.SiteState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The page translates stored English reasons with the REASONS_VI patterns of text.js; the API and
 * messages take the Vietnamese from {@link ClusterMessages}. Both must say the same: each English
 * form must meet, as its first matching pattern, one whose translation gives our Vietnamese.
 */
class ClusterMessagesTest {
  /** {@code [/^…$/, (m) => `…`],} or {@code [/^…$/, () => "…"],}: the forms we can render here. */
  private static final Pattern ENTRY = Pattern.compile("^\\s*\\[/(\\^.*\\$)/, (.*)\\],\\s*$");
  private static final Pattern TEMPLATE = Pattern.compile("^\\(m\\) => `([^`]*)`$");
  private static final Pattern CONSTANT = Pattern.compile("^\\(\\) => \"([^\"]*)\"$");

  private record Entry(Pattern pattern, String translator) {}

  private static List<Entry> entries;

  @BeforeAll
  static void readThePagePatterns() throws IOException {
    String js;
    try (InputStream in = ClusterMessagesTest.class.getResourceAsStream("/webroot/text.js")) {
      js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String table = js.substring(js.indexOf("const REASONS_VI = ["), js.indexOf("function reasonVi("));
    entries = new ArrayList<>();
    for (String line : table.split("\n")) {
      Matcher m = ENTRY.matcher(line);
      if (m.matches()) {
        entries.add(new Entry(Pattern.compile(m.group(1)), m.group(2)));
      }
    }
    assertThat(entries).hasSizeGreaterThan(20);
  }

  static Stream<Text> texts() {
    return Stream.of(
        ClusterMessages.notReachableFrom("dai-tu", SiteState.DOWN, "07:42"),
        ClusterMessages.notReachableFrom("dai-tu", SiteState.UNREACHABLE, "2026-03-01 07:42"),
        ClusterMessages.noLiveVantage(),
        ClusterMessages.noVerdictYet(),
        ClusterMessages.noVerdictYetFrom(List.of("dai-tu", "tinh")),
        ClusterMessages.everyWatcherBlind(List.of("dai-tu")),
        ClusterMessages.leftTheCluster("ha-noi"),
        ClusterMessages.doesNotWatch("ha-noi"),
        ClusterMessages.blind("dai-tu", 28, 30, "tinh", 27));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("texts")
  void thePageTranslatesTheEnglishAsWeDo(Text text) {
    assertThat(translate(text.en())).as("text.js translation of \"%s\"", text.en()).contains(text.vi());
  }

  /** What the page shows for one part of a reason, when its pattern's translator is simple. */
  private static Optional<String> translate(String english) {
    for (Entry e : entries) {
      Matcher m = e.pattern().matcher(english);
      if (!m.matches()) {
        continue;
      }
      Matcher constant = CONSTANT.matcher(e.translator());
      if (constant.matches()) {
        return Optional.of(constant.group(1));
      }
      Matcher template = TEMPLATE.matcher(e.translator());
      if (!template.matches()) {
        return Optional.empty();
      }
      StringBuilder vi = new StringBuilder();
      Matcher group = Pattern.compile("\\$\\{m\\[(\\d)\\]\\}").matcher(template.group(1));
      while (group.find()) {
        group.appendReplacement(vi, Matcher.quoteReplacement(m.group(Integer.parseInt(group.group(1)))));
      }
      group.appendTail(vi);
      return Optional.of(vi.toString());
    }
    return Optional.empty();
  }
}
