package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.daitu.vcmon.probe.InterfaceStatus.Judged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rule that decides which interfaces judge a site, row by row. */
class InterfaceSelectionTest {
  private static final int ETHERNET = 6;

  @Test
  void onlyTheRowCarryingThePolledAddressJudgesByDefault() {
    List<InterfaceStatus> judged =
        InterfaceSelection.judge(
            List.of(
                port(1, "ether1", ETHERNET, false),
                port(2, "ether2", ETHERNET, true),
                port(3, "ether3", ETHERNET, false)),
            List.of(),
            false);
    assertThat(judged).extracting(InterfaceStatus::judged)
        .containsExactly(null, Judged.POLLED_ADDRESS, null);
    // the rows are otherwise as read
    assertThat(judged.get(1)).isEqualTo(port(2, "ether2", ETHERNET, true).judgedFor(Judged.POLLED_ADDRESS));
  }

  @Test
  void withoutARowCarryingThePolledAddressOnlyNamedRowsJudge() {
    List<InterfaceStatus> rows =
        List.of(port(1, "ether1", ETHERNET, false), port(2, "ether2", ETHERNET, false));
    assertThat(InterfaceSelection.judge(rows, List.of(), false))
        .extracting(InterfaceStatus::judged).containsOnlyNulls();
    assertThat(InterfaceSelection.judge(rows, List.of("ether2"), false))
        .extracting(InterfaceStatus::judged).containsExactly(null, Judged.NAMED);
  }

  @ParameterizedTest(name = "\"{0}\" names row 7")
  @ValueSource(strings = {"7", "ether7", "ETHER7", " ether7 ", "uplink VNPT", "Intel 82574L"})
  void aRowIsNamedByIndexNameAliasOrDescription(String named) {
    InterfaceStatus row =
        new InterfaceStatus(7, "ether7", "Intel 82574L", "uplink VNPT", ETHERNET, 1, 1, false, null);
    assertThat(row.answersTo(named)).isTrue();
    assertThat(InterfaceSelection.judge(List.of(row), List.of(named), false))
        .extracting(InterfaceStatus::judged).containsExactly(Judged.NAMED);
  }

  @ParameterizedTest(name = "\"{0}\" does not name row 7")
  @ValueSource(strings = {"07", "ether", "if7", "8"})
  void otherTextsDoNotNameIt(String named) {
    InterfaceStatus row =
        new InterfaceStatus(7, "ether7", "Intel 82574L", "uplink VNPT", ETHERNET, 1, 1, false, null);
    assertThat(row.answersTo(named)).isFalse();
  }

  @Test
  void aNamedRowCarryingThePolledAddressIsJudgedAsNamed() {
    assertThat(
            InterfaceSelection.judge(
                List.of(port(1, "ether1", ETHERNET, true)), List.of("ether1"), false))
        .extracting(InterfaceStatus::judged).containsExactly(Judged.NAMED);
  }

  @ParameterizedTest(name = "ifType {0} carrying the polled address: judged only when named")
  @CsvSource({"24, softwareLoopback", "53, propVirtual", "131, tunnel", "135, l2vlan",
      "136, l3ipvlan"})
  void loopbackVirtualTunnelAndVlanInterfacesJudgeOnlyWhenNamed(int type, String what) {
    InterfaceStatus row = port(5, what, type, true);
    assertThat(InterfaceSelection.judge(List.of(row), List.of(), true))
        .extracting(InterfaceStatus::judged).containsOnlyNulls();
    assertThat(InterfaceSelection.judge(List.of(row), List.of(what), false))
        .extracting(InterfaceStatus::judged).containsExactly(Judged.NAMED);
  }

  @Test
  void anAggregateCarryingThePolledAddressJudgesOnlyWithMembers() {
    InterfaceStatus lag = port(100, "bond0", InterfaceSelection.AGGREGATE, true);
    assertThat(InterfaceSelection.needsMembers(lag, List.of())).isTrue();
    assertThat(InterfaceSelection.judge(List.of(lag), List.of(), true))
        .extracting(InterfaceStatus::judged).containsExactly(Judged.POLLED_ADDRESS);
    assertThat(InterfaceSelection.judge(List.of(lag), List.of(), false))
        .extracting(InterfaceStatus::judged).containsOnlyNulls();
    // named, it judges whatever its members: nothing to ask
    assertThat(InterfaceSelection.needsMembers(lag, List.of("bond0"))).isFalse();
    assertThat(InterfaceSelection.judge(List.of(lag), List.of("bond0"), false))
        .extracting(InterfaceStatus::judged).containsExactly(Judged.NAMED);
    assertThat(InterfaceSelection.needsMembers(port(1, "ether1", ETHERNET, true), List.of()))
        .isFalse();
  }

  @Test
  void severalNamesJudgeSeveralRowsInTableOrder() {
    List<InterfaceStatus> rows =
        Arrays.asList(
            port(1, "ether1", ETHERNET, false),
            port(2, "ether2", ETHERNET, true),
            port(3, "lo", 24, false),
            port(4_294_967_295L, "ether4", ETHERNET, false));
    assertThat(InterfaceSelection.judge(rows, List.of("4294967295", "lo"), false))
        .extracting(InterfaceStatus::judged)
        .containsExactly(null, Judged.POLLED_ADDRESS, Judged.NAMED, Judged.NAMED);
  }

  private static InterfaceStatus port(long index, String name, int type, boolean polled) {
    return new InterfaceStatus(index, name, name, null, type, 1, 2, polled, null);
  }
}
