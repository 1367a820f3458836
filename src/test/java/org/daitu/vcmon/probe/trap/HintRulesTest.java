package org.daitu.vcmon.probe.trap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.daitu.vcmon.inventory.Inventory;
import org.daitu.vcmon.inventory.RolloutStage;
import org.daitu.vcmon.inventory.Site;
import org.daitu.vcmon.inventory.SiteType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HintRulesTest {
  /** core (router) -> uplink -> two communes; a commune beside them; one site by host name. */
  private static final Inventory FLEET =
      new Inventory(
          List.of(
              site("core", "198.18.0.1", null),
              site("uplink", "198.18.0.2", "core"),
              site("ha-thuong", "198.18.1.10", "uplink"),
              site("phuc-linh", "198.18.1.11", "uplink"),
              site("tan-thai", "198.18.1.12", null),
              site("hung-son", "codec.hung-son.example", "uplink"),
              site("ipv6", "fd00::5", null)));

  private static Site site(String id, String address, String parent) {
    return new Site(id, null, id, SiteType.NETWORK, address, null, parent, RolloutStage.CONNECTED, null);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // source, notification, sites at the source, sites to re-check ("-": no hint)
        Arguments.of("198.18.0.2", "1.3.6.1.6.3.1.1.5.3", "uplink", "uplink ha-thuong phuc-linh hung-son"),
        Arguments.of("198.18.0.1", "1.3.6.1.6.3.1.1.5.4", "core", "core uplink ha-thuong phuc-linh hung-son"),
        Arguments.of("198.18.1.12", "1.3.6.1.6.3.1.1.5.3", "tan-thai", "tan-thai"),
        Arguments.of("198.18.1.10", "1.3.6.1.6.3.1.1.5.1", "ha-thuong", "ha-thuong"),
        Arguments.of("198.18.0.2", "1.3.6.1.6.3.1.1.5.2", "uplink", "uplink"),
        Arguments.of("198.18.1.11", "1.3.6.1.4.1.13885.101.0.72", "phuc-linh", "phuc-linh"),
        Arguments.of("198.18.1.11", "1.3.6.1.4.1.13885.101.0.79", "phuc-linh", "phuc-linh"),
        Arguments.of("fd00:0:0:0:0:0:0:5", "1.3.6.1.6.3.1.1.5.3", "ipv6", "ipv6"),
        Arguments.of("198.18.1.11", "1.3.6.1.6.3.1.1.5.5", "-", "-"),
        Arguments.of("198.18.1.11", "1.3.6.1.4.1.13885.101.0.78", "-", "-"),
        Arguments.of("198.18.9.9", "1.3.6.1.6.3.1.1.5.3", "-", "-"),
        Arguments.of("127.0.0.1", "1.3.6.1.6.3.1.1.5.3", "-", "-"));
  }

  @ParameterizedTest(name = "{1} from {0} re-checks {3}")
  @MethodSource("cases")
  void aNotificationReChecksTheSenderAndForALinkEverySiteBehindIt(
      String source, String oid, String sites, String recheck) {
    var hint = new HintRules(FLEET).hint(source, Meaning.of(oid));
    if (recheck.equals("-")) {
      assertTrue(hint.isEmpty(), hint.toString());
      return;
    }
    assertEquals(ids(sites), hint.orElseThrow().sites());
    assertEquals(ids(recheck), hint.orElseThrow().recheck());
  }

  @Test
  void onlyTheAddressesOfSitesAreKnownSenders() {
    HintRules rules = new HintRules(FLEET);
    assertTrue(rules.known("198.18.1.10"));
    assertTrue(rules.known("fd00::5"));
    assertFalse(rules.known("198.18.1.99"));
    assertFalse(rules.known("codec.hung-son.example"));
    assertFalse(rules.known(null));
  }

  @Test
  void aRestartIsMarkedAndALinkIsUrgent() {
    HintRules rules = new HintRules(FLEET);
    Hint cold = rules.hint("198.18.1.10", Meaning.of("1.3.6.1.6.3.1.1.5.1")).orElseThrow();
    Hint down = rules.hint("198.18.0.2", Meaning.of("1.3.6.1.6.3.1.1.5.3")).orElseThrow();
    Hint sip = rules.hint("198.18.1.10", Meaning.of("1.3.6.1.4.1.13885.101.0.72")).orElseThrow();
    assertTrue(cold.restart());
    assertFalse(cold.urgent());
    assertTrue(down.urgent());
    assertFalse(down.restart());
    assertFalse(sip.restart() || sip.urgent());
  }

  @Test
  void aParentCycleDoesNotLoop() {
    Inventory loop = new Inventory(List.of(site("a", "198.18.0.1", "b"), site("b", "198.18.0.2", "a")));
    assertEquals(
        List.of("a", "b"),
        new HintRules(loop).hint("198.18.0.1", Meaning.of("1.3.6.1.6.3.1.1.5.3")).orElseThrow().recheck());
  }

  private static List<String> ids(String spaced) {
    return Arrays.asList(spaced.split(" "));
  }
}
