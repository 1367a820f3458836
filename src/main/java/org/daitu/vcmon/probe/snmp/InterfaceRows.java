package org.daitu.vcmon.probe.snmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.Variable;

/** Builds IF-MIB rows from the walked ifDescr, ifAdminStatus and ifOperStatus columns. */
final class InterfaceRows {
  private InterfaceRows() {}

  /**
   * One row per ifIndex that has an admin or oper status, in index order, at most {@code max}.
   * Unknown statuses are 4 (unknown); a missing ifDescr gives the name "if" + index.
   */
  static List<InterfaceStatus> of(
      SortedMap<OID, Variable> descr,
      SortedMap<OID, Variable> admin,
      SortedMap<OID, Variable> oper,
      int max) {
    TreeSet<OID> indexes = new TreeSet<>(admin.keySet());
    indexes.addAll(oper.keySet());
    List<InterfaceStatus> rows = new ArrayList<>();
    for (OID index : indexes) {
      if (rows.size() >= max) {
        break;
      }
      if (index.size() != 1 || index.get(0) <= 0) {
        // ifTable has one index, 1..2147483647 (IF-MIB InterfaceIndex); a sub-identifier above
        // that reads as a negative int, and anything else is not an interface row
        continue;
      }
      int ifIndex = index.get(0);
      String name = SnmpReplies.text(descr.get(index));
      rows.add(
          new InterfaceStatus(
              ifIndex,
              name == null ? "if" + ifIndex : name,
              status(admin, index),
              status(oper, index)));
    }
    return rows;
  }

  private static int status(Map<OID, Variable> column, OID index) {
    Variable v = column.get(index);
    // the statuses are INTEGER enumerations: a counter or string is a broken agent, not a status
    if (v == null || v.getSyntax() != SMIConstants.SYNTAX_INTEGER) {
      return 4;
    }
    long code = v.toLong();
    return code >= 1 && code <= 7 ? (int) code : 4;
  }
}
