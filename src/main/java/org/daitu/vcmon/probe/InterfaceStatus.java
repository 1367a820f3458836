package org.daitu.vcmon.probe;

import java.util.Locale;
import java.util.Objects;

/**
 * One row of IF-MIB as read, and whether it judges the site.
 *
 * @param index ifIndex, 1..4294967295: agents send it as an unsigned 32-bit number
 * @param name the name people know it by: ifName, else ifAlias, else ifDescr, else "if" + index
 * @param descr ifDescr as read, null when absent or empty
 * @param alias ifAlias (the operator's label) as read, null when absent or empty
 * @param type ifType (IANAifType: 6 ethernetCsmacd, 24 softwareLoopback...), 0 when unknown
 * @param adminStatus ifAdminStatus: 1 up, 2 down, 3 testing, 4 when unknown
 * @param operStatus ifOperStatus: 1 up, 2 down, 3 testing, 4 unknown, 5 dormant, 6 notPresent,
 *     7 lowerLayerDown
 * @param carriesPolledAddress the agent's IP-MIB puts the address vcmon polls on this interface
 * @param judged why a fault of this interface makes the site DEGRADED; null when it does not
 */
public record InterfaceStatus(
    long index,
    String name,
    String descr,
    String alias,
    int type,
    int adminStatus,
    int operStatus,
    boolean carriesPolledAddress,
    Judged judged) {

  /** Why an interface judges its site. */
  public enum Judged {
    /** Named in {@code sites[].snmp.interfaces}: the operator asked for it. */
    NAMED("named in config"),
    /** The agent's IP-MIB puts the polled address on it: the site's own link. */
    POLLED_ADDRESS("carries the polled address");

    private final String text;

    Judged(String text) {
      this.text = text;
    }

    /** The phrase the API shows ("named in config"). */
    public String text() {
      return text;
    }
  }

  public InterfaceStatus {
    Objects.requireNonNull(name, "name");
  }

  /** Administratively up but not operating: a cable or port problem worth reporting. */
  public boolean isFaulty() {
    return adminStatus == 1 && (operStatus == 2 || operStatus == 7);
  }

  /**
   * Whether an entry of {@code sites[].snmp.interfaces} means this row: its index written as a
   * number, or its name, alias or description, ignoring case ("Ether3" is "ether3"). The one
   * matching rule, for the probe that judges the rows and for the evaluator that reports names
   * no row answers to.
   */
  public boolean answersTo(String configured) {
    String c = configured.strip();
    if (c.equals(Long.toString(index))) {
      return true;
    }
    String wanted = c.toLowerCase(Locale.ROOT);
    return same(name, wanted) || same(alias, wanted) || same(descr, wanted);
  }

  /** This row, judging its site for {@code why} (null: not judging). */
  public InterfaceStatus judgedFor(Judged why) {
    return new InterfaceStatus(
        index, name, descr, alias, type, adminStatus, operStatus, carriesPolledAddress, why);
  }

  private static boolean same(String text, String wantedLower) {
    return text != null && text.strip().toLowerCase(Locale.ROOT).equals(wantedLower);
  }
}
