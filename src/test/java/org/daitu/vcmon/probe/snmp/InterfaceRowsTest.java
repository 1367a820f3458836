package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.junit.jupiter.api.Test;
import org.snmp4j.smi.Counter64;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.Variable;

/** Rows from the walked columns, including what broken or hostile agents put in them. */
class InterfaceRowsTest {
  private final Map<OID, SortedMap<OID, Variable>> columns = new LinkedHashMap<>();

  @Test
  void statusesOfTheWrongTypeAreUnknownAndBadIndexesAreNoRows() {
    put(Mib.IF_DESCR, "1", new OctetString("eth1"));
    put(Mib.IF_ADMIN_STATUS, "1", new OctetString("up"));
    put(Mib.IF_OPER_STATUS, "1", new Counter64(1));
    put(Mib.IF_TYPE, "1", new OctetString("6"));
    put(Mib.IF_ADMIN_STATUS, "2", new Integer32(1));
    put(Mib.IF_OPER_STATUS, "2", new Integer32(2));
    // index 0 and a two-part index are not ifTable rows
    put(Mib.IF_ADMIN_STATUS, "0", new Integer32(1));
    put(Mib.IF_ADMIN_STATUS, "3.1", new Integer32(1));

    assertThat(InterfaceRows.of(columns, 64).rows())
        .containsExactly(
            new InterfaceStatus(1, "eth1", "eth1", null, 0, 4, 4, false, null),
            new InterfaceStatus(2, "if2", null, null, 0, 1, 2, false, null));
  }

  @Test
  void indexesAboveTwoToThe31AreRowsInUnsignedOrder() {
    // on the wire an ifIndex is an unsigned 32-bit sub-identifier; as an int these are negative
    for (String index : new String[] {"4294967295", "7", "2147483648"}) {
      put(Mib.IF_ADMIN_STATUS, index, new Integer32(1));
      put(Mib.IF_OPER_STATUS, index, new Integer32(1));
    }
    assertThat(InterfaceRows.of(columns, 64).rows())
        .extracting(InterfaceStatus::index, InterfaceStatus::name)
        .containsExactly(
            tuple(7L, "if7"),
            tuple(2_147_483_648L, "if2147483648"),
            tuple(4_294_967_295L, "if4294967295"));
  }

  @Test
  void theNameIsIfNameThenIfAliasThenIfDescrAndEmptyTextsAreAbsent() {
    row("1", "ether1", "Intel 82574L", "uplink to VNPT");
    row("2", "", "Intel 82574L", "PC port");
    row("3", null, "Intel 82574L", " ");
    row("4", null, "", null);

    assertThat(InterfaceRows.of(columns, 64).rows())
        .containsExactly(
            new InterfaceStatus(1, "ether1", "Intel 82574L", "uplink to VNPT", 6, 1, 1, false, null),
            new InterfaceStatus(2, "PC port", "Intel 82574L", "PC port", 6, 1, 1, false, null),
            new InterfaceStatus(3, "Intel 82574L", "Intel 82574L", null, 6, 1, 1, false, null),
            new InterfaceStatus(4, "if4", null, null, 6, 1, 1, false, null));
  }

  @Test
  void moreRowsThanTheBoundAreCutAndSaySo() {
    for (int i = 1; i <= 5; i++) {
      row(String.valueOf(i), "p" + i, null, null);
    }
    assertThat(InterfaceRows.of(columns, 5).cut()).isFalse();
    InterfaceRows.Table cut = InterfaceRows.of(columns, 3);
    assertThat(cut.cut()).isTrue();
    assertThat(cut.rows()).extracting(InterfaceStatus::name).containsExactly("p1", "p2", "p3");
  }

  private void row(String index, String ifName, String descr, String alias) {
    if (ifName != null) {
      put(Mib.IF_NAME, index, new OctetString(ifName));
    }
    if (descr != null) {
      put(Mib.IF_DESCR, index, new OctetString(descr));
    }
    if (alias != null) {
      put(Mib.IF_ALIAS, index, new OctetString(alias));
    }
    put(Mib.IF_TYPE, index, new Integer32(6));
    put(Mib.IF_ADMIN_STATUS, index, new Integer32(1));
    put(Mib.IF_OPER_STATUS, index, new Integer32(1));
  }

  private void put(OID column, String index, Variable v) {
    columns.computeIfAbsent(column, c -> new TreeMap<>()).put(new OID(index), v);
  }
}
