package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void statusesOfTheWrongTypeAreUnknownAndBadIndexesAreNoRows() {
    SortedMap<OID, Variable> descr = new TreeMap<>();
    SortedMap<OID, Variable> admin = new TreeMap<>();
    SortedMap<OID, Variable> oper = new TreeMap<>();
    descr.put(new OID("1"), new OctetString("eth1"));
    admin.put(new OID("1"), new OctetString("up"));
    oper.put(new OID("1"), new Counter64(1));
    admin.put(new OID("2"), new Integer32(1));
    oper.put(new OID("2"), new Integer32(2));
    // index 0, an index above 2^31 and a two-part index are not ifTable rows
    admin.put(new OID("0"), new Integer32(1));
    admin.put(new OID("4294967295"), new Integer32(1));
    admin.put(new OID("3.1"), new Integer32(1));

    assertThat(InterfaceRows.of(descr, admin, oper, 64))
        .containsExactly(new InterfaceStatus(1, "eth1", 4, 4), new InterfaceStatus(2, "if2", 1, 2));
  }
}
