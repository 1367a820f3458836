package org.daitu.vcmon.probe.snmp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.daitu.vcmon.probe.InterfaceStatus;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.Variable;

/**
 * Builds IF-MIB rows from the walked ifTable and ifXTable columns (ifDescr, ifType,
 * ifAdminStatus, ifOperStatus, ifName, ifAlias). Pure.
 */
final class InterfaceRows {
  private InterfaceRows() {}

  /** The ifTable and ifXTable columns a poll walks, side by side. */
  static final List<OID> COLUMNS =
      List.of(Mib.IF_DESCR, Mib.IF_TYPE, Mib.IF_ADMIN_STATUS, Mib.IF_OPER_STATUS, Mib.IF_NAME,
          Mib.IF_ALIAS);

  /** The rows read, and whether there were more rows than {@code max}. */
  record Table(List<InterfaceStatus> rows, boolean cut) {
    Table {
      rows = List.copyOf(rows);
    }
  }

  /**
   * One row per ifIndex that has an admin or oper status, in index order, at most {@code max}.
   * Unknown statuses are 4 (unknown), an unknown type 0; empty texts are absent, and the name is
   * the first of ifName, ifAlias, ifDescr that has one, else "if" + index. None of them is judged
   * (see {@link InterfaceSelection}).
   *
   * @param columns what was walked of each of {@link #COLUMNS}, keyed by column; a column
   *     missing from the map or from the agent is absent
   */
  static Table of(Map<OID, SortedMap<OID, Variable>> columns, int max) {
    SortedMap<OID, Variable> admin = column(columns, Mib.IF_ADMIN_STATUS);
    SortedMap<OID, Variable> oper = column(columns, Mib.IF_OPER_STATUS);
    // OIDs compare their sub-identifiers unsigned, so an ifIndex above 2^31 sorts last, as it is
    TreeSet<OID> indexes = new TreeSet<>(admin.keySet());
    indexes.addAll(oper.keySet());
    List<InterfaceStatus> rows = new ArrayList<>();
    boolean cut = false;
    for (OID index : indexes) {
      if (index.size() != 1 || index.getUnsigned(0) == 0) {
        // ifTable has one index, 1..2^32-1 on the wire; anything else is not an interface row
        continue;
      }
      if (rows.size() >= max) {
        cut = true;
        break;
      }
      long ifIndex = index.getUnsigned(0);
      String descr = text(columns, Mib.IF_DESCR, index);
      String alias = text(columns, Mib.IF_ALIAS, index);
      String ifName = text(columns, Mib.IF_NAME, index);
      String name =
          ifName != null ? ifName : alias != null ? alias : descr != null ? descr : "if" + ifIndex;
      rows.add(
          new InterfaceStatus(
              ifIndex,
              name,
              descr,
              alias,
              type(column(columns, Mib.IF_TYPE).get(index)),
              status(admin.get(index)),
              status(oper.get(index)),
              false,
              null));
    }
    return new Table(rows, cut);
  }

  private static SortedMap<OID, Variable> column(Map<OID, SortedMap<OID, Variable>> columns, OID c) {
    SortedMap<OID, Variable> m = columns.get(c);
    return m == null ? new TreeMap<>() : m;
  }

  /** The text of a cell; null when absent, not text-like or blank (an empty ifDescr is no name). */
  private static String text(Map<OID, SortedMap<OID, Variable>> columns, OID c, OID index) {
    String t = SnmpReplies.text(column(columns, c).get(index));
    return t == null || t.isBlank() ? null : t;
  }

  private static int status(Variable v) {
    // the statuses are INTEGER enumerations: a counter or string is a broken agent, not a status
    if (v == null || v.getSyntax() != SMIConstants.SYNTAX_INTEGER) {
      return 4;
    }
    long code = v.toLong();
    return code >= 1 && code <= 7 ? (int) code : 4;
  }

  /** IANAifType is an INTEGER 1..2147483647; anything else is unknown (0). */
  private static int type(Variable v) {
    if (v == null || v.getSyntax() != SMIConstants.SYNTAX_INTEGER || v.toLong() < 1) {
      return 0;
    }
    return (int) v.toLong();
  }
}
