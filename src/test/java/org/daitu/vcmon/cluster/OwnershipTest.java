package org.daitu.vcmon.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OwnershipTest {
  private static final List<String> THREE = List.of("tinh", "dai-tu", "ha-noi");
  private static final int SITES = 10_000;

  /** Owners pinned once: any JVM, any version, any member order must pick these. */
  static Stream<Arguments> pinned() {
    return Stream.of(
        Arguments.of("ha-thuong", THREE, "tinh"),
        Arguments.of("tan-thai", THREE, "ha-noi"),
        Arguments.of("phuc-linh", THREE, "ha-noi"),
        Arguments.of("phuc-linh", List.of("tinh", "dai-tu"), "dai-tu"),
        Arguments.of("cu-van", List.of("dai-tu", "ha-noi", "tinh"), "tinh"),
        Arguments.of("ha-thuong", List.of("dai-tu"), "dai-tu"));
  }

  @ParameterizedTest(name = "{0} over {1} is owned by {2}")
  @MethodSource("pinned")
  void picksThePinnedOwner(String site, List<String> members, String owner) {
    assertThat(Ownership.owner(site, members)).contains(owner);
  }

  @Test
  void theWeightIsTheFirst64BitsOfSha256() {
    // printf 'tinh\0ha-thuong' | sha256sum
    assertThat(Long.toHexString(Ownership.weight("tinh", "ha-thuong"))).isEqualTo("b4a0772b226e648f");
    assertThat(Long.toHexString(Ownership.weight("dai-tu", "ha-thuong"))).isEqualTo("8aedeba80c4c0905");
    assertThat(Ownership.weight("ab", "c")).isNotEqualTo(Ownership.weight("a", "bc"));
  }

  @Test
  void theOrderOfTheMembersDoesNotMatter() {
    List<String> reversed = List.of("ha-noi", "dai-tu", "tinh");
    for (int i = 0; i < 1000; i++) {
      assertThat(Ownership.owner(site(i), reversed)).isEqualTo(Ownership.owner(site(i), THREE));
    }
  }

  @Test
  void noLiveMemberMeansNoOwner() {
    assertThat(Ownership.owner("ha-thuong", List.of())).isEmpty();
  }

  @Test
  void tenThousandSitesSpreadEvenlyOverThreeMembers() {
    Map<String, Integer> owned = owners(THREE).values().stream()
        .collect(HashMap::new, (m, v) -> m.merge(v, 1, Integer::sum), HashMap::putAll);
    assertThat(owned).containsOnlyKeys(THREE);
    // A fair share is 3,333; 5 % either way is over three standard deviations of a fair draw.
    assertThat(owned.values()).allSatisfy(n -> assertThat(n).isBetween(3_167, 3_500));
  }

  @Test
  void whenAMemberLeavesOnlyItsSitesMove() {
    Map<String, String> before = owners(THREE);
    Map<String, String> after = owners(List.of("tinh", "ha-noi"));
    int moved = 0;
    for (String site : before.keySet()) {
      if (before.get(site).equals("dai-tu")) {
        moved++;
        assertThat(after.get(site)).isIn("tinh", "ha-noi");
      } else {
        assertThat(after.get(site)).as(site).isEqualTo(before.get(site));
      }
    }
    assertThat(moved).isBetween(3_167, 3_500);
  }

  @Test
  void whenAMemberJoinsOnlyTheSitesItTakesMove() {
    Map<String, String> before = owners(THREE);
    List<String> four = new ArrayList<>(THREE);
    four.add("lang-son");
    Map<String, String> after = owners(four);
    int taken = 0;
    for (String site : before.keySet()) {
      if (!after.get(site).equals(before.get(site))) {
        assertThat(after.get(site)).as(site).isEqualTo("lang-son");
        taken++;
      }
    }
    // A fair quarter is 2,500.
    assertThat(taken).isBetween(2_375, 2_625);
    assertThat(Set.copyOf(after.values())).containsExactlyInAnyOrderElementsOf(four);
  }

  private static Map<String, String> owners(List<String> members) {
    Map<String, String> owners = new HashMap<>();
    for (int i = 0; i < SITES; i++) {
      owners.put(site(i), Ownership.owner(site(i), members).orElseThrow());
    }
    return owners;
  }

  private static String site(int i) {
    return "site-" + i;
  }
}
