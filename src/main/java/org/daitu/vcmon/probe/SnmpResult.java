package org.daitu.vcmon.probe;

import java.util.List;

/**
 * One SNMP poll of one endpoint.
 *
 * @param status how the poll ended; everything below is only meaningful when OK
 * @param reason short human text for anything but OK (e.g. "timeout after 1s, 1 retry")
 * @param uptimeTicks sysUpTime in hundredths of a second, -1 when unknown
 * @param interfaces IF-MIB rows read (bounded), empty when unknown
 * @param vendorProfile name of the vendor profile chosen from sysObjectID ("generic", "polycom")
 * @param activeCalls active conferences reported by the vendor MIB, or null when not available
 * @param registrationFailures human texts for failed gatekeeper/registrar registrations; empty when
 *     registered or unknown
 * @param vendor the maker recognised from sysObjectID ("Polycom", "Cisco"), null when unknown
 * @param problems objects of an answer that were missing or unreadable, each named with why
 *     ("sysUpTime.0 is INTEGER, not TimeTicks"); the rest of the answer is still used
 * @param interfacesPartial the interface table had more rows than were read
 */
public record SnmpResult(
    SnmpStatus status,
    String reason,
    long uptimeTicks,
    String sysName,
    String sysDescr,
    String sysObjectId,
    List<InterfaceStatus> interfaces,
    String vendorProfile,
    Integer activeCalls,
    List<String> registrationFailures,
    String vendor,
    List<String> problems,
    boolean interfacesPartial) {

  public SnmpResult {
    interfaces = List.copyOf(interfaces);
    registrationFailures = List.copyOf(registrationFailures);
    problems = List.copyOf(problems);
  }

  /** A complete answer: no vendor name, no problem, the whole interface table. */
  public SnmpResult(
      SnmpStatus status,
      String reason,
      long uptimeTicks,
      String sysName,
      String sysDescr,
      String sysObjectId,
      List<InterfaceStatus> interfaces,
      String vendorProfile,
      Integer activeCalls,
      List<String> registrationFailures) {
    this(status, reason, uptimeTicks, sysName, sysDescr, sysObjectId, interfaces, vendorProfile,
        activeCalls, registrationFailures, null, List.of(), false);
  }

  public static SnmpResult failed(SnmpStatus status, String reason) {
    return new SnmpResult(status, reason, -1, null, null, null, List.of(), null, null, List.of());
  }

  public boolean ok() {
    return status == SnmpStatus.OK;
  }

  /** Uptime in seconds, NaN when unknown. */
  public double uptimeSeconds() {
    return uptimeTicks < 0 ? Double.NaN : uptimeTicks / 100.0;
  }
}
