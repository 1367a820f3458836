package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SessionRulesTest {

  @ParameterizedTest(name = "origin={0} fetch-site={1} host={2} https={3} -> {4}")
  @CsvSource(
      nullValues = "-",
      value = {
        // vcmon's own page
        "http://vcmon.lan:8080, same-origin, vcmon.lan:8080, false, true",
        "http://127.0.0.1:8080, -, 127.0.0.1:8080, false, true",
        "https://vcmon.lan, same-origin, vcmon.lan, true, true",
        "https://vcmon.lan, same-origin, vcmon.lan:443, true, true",
        "http://VCMON.lan:8080, -, vcmon.lan:8080, false, true",
        // a script, not a browser: neither header (the CSRF token is still required)
        "-, -, vcmon.lan:8080, false, true",
        // another origin
        "http://evil.example, -, vcmon.lan:8080, false, false",
        "http://evil.example, cross-site, vcmon.lan:8080, false, false",
        "-, cross-site, vcmon.lan:8080, false, false",
        "-, same-site, vcmon.lan:8080, false, false",
        "-, none, vcmon.lan:8080, false, false",
        "null, -, vcmon.lan:8080, false, false",
        "http://vcmon.lan:8081, -, vcmon.lan:8080, false, false",
        "http://vcmon.lan:8080.evil.example, -, vcmon.lan:8080, false, false",
        "https://vcmon.lan:8080, -, vcmon.lan:8080, false, false",
        "http://vcmon.lan, same-origin, vcmon.lan, true, false",
        "http://vcmon.lan:8080, same-origin, -, false, false",
        "http://vcmon.lan:8080, cross-site, vcmon.lan:8080, false, false",
      })
  void onlyVcmonsOwnOriginPasses(String origin, String fetchSite, String host, boolean https, boolean passes) {
    assertThat(SessionRules.sameOrigin(origin, fetchSite, host, https)).isEqualTo(passes);
  }

  @ParameterizedTest(name = "expected={0} presented={1} -> {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        "abcdefghijklmnop, abcdefghijklmnop, true",
        "abcdefghijklmnop, ' abcdefghijklmnop ', true",
        "abcdefghijklmnop, abcdefghijklmnoq, false",
        "abcdefghijklmnop, abcdefghijklmno, false",
        "abcdefghijklmnop, '', false",
        "abcdefghijklmnop, -, false",
        "-, abcdefghijklmnop, false",
      })
  void theCsrfHeaderMustBeTheSessionsToken(String expected, String presented, boolean passes) {
    assertThat(SessionRules.csrfMatches(expected, presented)).isEqualTo(passes);
  }

  @Test
  void aTokenNamesItsOperatorAndNoOther() {
    OperatorTokens tokens =
        OperatorTokens.of(
            List.of(
                new AgentConfig.Operator("admin", Secret.of("admin-token-0123456789")),
                new AgentConfig.Operator("lan", Secret.of("lan-token-0123456789"))));
    assertThat(tokens.match("lan-token-0123456789").map(OperatorTokens.Entry::name)).contains("lan");
    assertThat(tokens.match("admin-token-0123456789").map(OperatorTokens.Entry::name)).contains("admin");
    assertThat(tokens.match("lan-token-012345678")).isEmpty();
    assertThat(tokens.match("")).isEmpty();
    assertThat(tokens.holds("lan", OperatorTokens.digest("lan-token-0123456789"))).isTrue();
    assertThat(tokens.holds("lan", OperatorTokens.digest("admin-token-0123456789")))
        .as("a name with another token than at sign-in").isFalse();
    assertThat(tokens.holds("hoa", OperatorTokens.digest("lan-token-0123456789"))).isFalse();
    assertThat(OperatorTokens.NONE.isEmpty()).isTrue();
  }
}
