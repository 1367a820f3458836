package org.daitu.vcmon.probe.snmp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.daitu.vcmon.probe.SnmpResult;
import org.daitu.vcmon.probe.SnmpStatus;
import org.snmp4j.PDU;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.SMIConstants;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * Turns what an agent sent back (or did not send) into statuses and reason texts. Pure functions
 * over SNMP4J PDUs, so every wording is pinned by plain unit tests.
 */
final class SnmpReplies {
  private SnmpReplies() {}

  /** RFC 3416 error-status names, indexed by the code. */
  private static final List<String> ERROR_STATUS =
      List.of(
          "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
          "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
          "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
          "authorizationError", "notWritable", "inconsistentName");

  /** "no SNMP answer within 1s (2 attempts)". */
  static String timeoutReason(Duration timeout, int attempts) {
    return "no SNMP answer within " + human(timeout) + " (" + attempts
        + (attempts == 1 ? " attempt)" : " attempts)");
  }

  /**
   * The reason for a REPORT PDU. The agent sends one when it refuses a v3 message before looking
   * at it, and the counter it names says why (RFC 3414 §3.2).
   */
  static SnmpResult report(PDU report, String user) {
    return report(counter(report), user);
  }

  /** As {@link #report(PDU, String)}, from the counter the report named (null: none). */
  static SnmpResult report(OID counter, String user) {
    String who = user == null ? "" : " for user " + user;
    if (counter != null) {
      if (counter.startsWith(SnmpConstants.usmStatsWrongDigests)) {
        return auth("SNMPv3 authentication failed: wrong auth password" + who);
      }
      if (counter.startsWith(SnmpConstants.usmStatsUnknownUserNames)) {
        return auth("SNMPv3 authentication failed: unknown user" + named(user)
            + " (the agent has no such USM user)");
      }
      if (counter.startsWith(SnmpConstants.usmStatsDecryptionErrors)) {
        return auth("SNMPv3 decryption failed: wrong privacy password" + who);
      }
      if (counter.startsWith(SnmpConstants.usmStatsUnsupportedSecLevels)) {
        return auth("SNMPv3 security level not accepted by the agent" + who
            + " (check auth/priv settings of the profile)");
      }
      if (counter.startsWith(SnmpConstants.usmStatsNotInTimeWindows)) {
        return auth("SNMPv3 message outside the agent's time window" + who);
      }
      if (counter.startsWith(SnmpConstants.usmStatsUnknownEngineIDs)) {
        return auth("SNMPv3 engine ID discovery failed" + who);
      }
    }
    return SnmpResult.failed(
        SnmpStatus.AGENT_ERROR, "agent sent a report: " + Mib.name(counter));
  }

  /**
   * The reason for a v3 request that timed out after the agent sent {@code report} for it. An
   * engine-ID discovery answer followed by silence is what net-snmp does with a message it cannot
   * decrypt: it drops it without a usmStatsDecryptionErrors report.
   */
  static SnmpResult unansweredAfterReport(PDU report, String user) {
    return unansweredAfterReport(counter(report), user);
  }

  /** As {@link #unansweredAfterReport(PDU, String)}, from the counter the report named. */
  static SnmpResult unansweredAfterReport(OID counter, String user) {
    if (counter != null && counter.startsWith(SnmpConstants.usmStatsUnknownEngineIDs)) {
      return auth("SNMPv3 request unanswered after engine-ID discovery: wrong privacy password"
          + (user == null ? "" : " for user " + user) + "?");
    }
    return report(counter, user);
  }

  /** The USM counter a REPORT names: the OID of its first binding, null when it has none. */
  static OID counter(PDU report) {
    return report.size() > 0 ? report.get(0).getOid() : null;
  }

  private static String named(String user) {
    return user == null ? "" : " " + user;
  }

  private static SnmpResult auth(String reason) {
    return SnmpResult.failed(SnmpStatus.AUTH_FAILURE, reason);
  }

  /** "agent error: noSuchName on sysName.0", or null when the PDU has no error status. */
  static String errorStatus(PDU response) {
    int status = response.getErrorStatus();
    if (status == PDU.noError) {
      return null;
    }
    return errorStatus(status, erroredObject(response));
  }

  /** "agent error: noSuchName on sysName.0"; without the object when it is null. */
  static String errorStatus(int status, OID object) {
    return errorStatus(status, object == null ? null : Mib.name(object));
  }

  /** As {@link #errorStatus(int, OID)}, the object already named (null: none). */
  static String errorStatus(int status, String object) {
    String name = status > 0 && status < ERROR_STATUS.size() ? ERROR_STATUS.get(status)
        : "error-status " + status;
    return object == null ? "agent error: " + name : "agent error: " + name + " on " + object;
  }

  /** The OID of the binding the error-index points at; null when it points at none. */
  static OID erroredObject(PDU response) {
    int index = response.getErrorIndex();
    return index >= 1 && index <= response.size() ? response.get(index - 1).getOid() : null;
  }

  /**
   * The result of a poll that ended on a request the agent gave no usable answer to: TIMEOUT,
   * AGENT_ERROR naming the object, AUTH_FAILURE (or AGENT_ERROR) for a REPORT, UNAVAILABLE for a
   * local fault.
   */
  static SnmpResult failed(SnmpClient.Failure failure) {
    if (failure instanceof SnmpClient.Timeout t) {
      return SnmpResult.failed(SnmpStatus.TIMEOUT, timeoutReason(t.timeout(), t.attempts()));
    }
    if (failure instanceof SnmpClient.ErrorStatus e) {
      return SnmpResult.failed(SnmpStatus.AGENT_ERROR, errorStatus(e.status(), e.object()));
    }
    if (failure instanceof SnmpClient.Report r) {
      return r.unanswered() ? unansweredAfterReport(r.counter(), r.user())
          : report(r.counter(), r.user());
    }
    return SnmpResult.failed(SnmpStatus.UNAVAILABLE, ((SnmpClient.Local) failure).reason());
  }

  /** As {@link #system(List, Collection)} for a GET that no object was refused in. */
  static SnmpResult system(List<? extends VariableBinding> response) {
    return system(response, List.of());
  }

  /**
   * Reads the system group from a GET response. The agent answered, so the poll is OK whatever
   * the answer holds: each object is judged alone, and one that is missing or of the wrong type
   * is a problem named in the result, its value unknown (null; the uptime -1), while the others
   * are used. Without a valid sysUpTime reboots cannot be seen, and its problem says so.
   *
   * @param refused objects the agent answered noSuchName for, asked again without them
   */
  static SnmpResult system(List<? extends VariableBinding> response, Collection<OID> refused) {
    List<String> problems = new ArrayList<>();
    Variable descr =
        judged(response, refused, Mib.SYS_DESCR, SMIConstants.SYNTAX_OCTET_STRING, problems);
    Variable objectId =
        judged(response, refused, Mib.SYS_OBJECT_ID, SMIConstants.SYNTAX_OBJECT_IDENTIFIER,
            problems);
    Variable uptime =
        judged(response, refused, Mib.SYS_UPTIME, SMIConstants.SYNTAX_TIMETICKS, problems);
    if (uptime == null) {
      int last = problems.size() - 1;
      problems.set(last, problems.get(last) + "; reboots cannot be detected");
    }
    Variable name =
        judged(response, refused, Mib.SYS_NAME, SMIConstants.SYNTAX_OCTET_STRING, problems);
    String sysObjectId = objectId(objectId);
    return new SnmpResult(
        SnmpStatus.OK,
        null,
        uptime == null ? -1 : uptime.toLong(),
        text(name),
        text(descr),
        sysObjectId,
        List.of(),
        null,
        null,
        List.of(),
        VendorProfiles.vendorName(sysObjectId),
        problems,
        false);
  }

  /**
   * The value of {@code oid} in the answer when it is of the {@code syntax} expected; otherwise
   * null, and the problem is added to {@code problems}.
   */
  private static Variable judged(
      List<? extends VariableBinding> response, Collection<OID> refused, OID oid, int syntax,
      List<String> problems) {
    String problem = refused.contains(oid) ? Mib.name(oid) + " missing (noSuchName)"
        : problem(Mib.name(oid), value(response, oid), syntax);
    if (problem != null) {
      problems.add(problem);
      return null;
    }
    return value(response, oid);
  }

  /**
   * What is wrong with the value of the object {@code name} that should be of SMI type
   * {@code syntax}: "sysUpTime.0 missing (noSuchObject)", "sysUpTime.0 is INTEGER, not
   * TimeTicks"; null when nothing is.
   */
  static String problem(String name, Variable v, int syntax) {
    if (v == null) {
      return name + " missing (not in the answer)";
    }
    if (v.isException()) {
      return name + " missing (" + v + ")";
    }
    if (v.getSyntax() != syntax) {
      return name + " is " + typeName(v.getSyntax()) + ", not " + typeName(syntax);
    }
    return null;
  }

  /**
   * As {@link #problem(String, Variable, int)} for a value that should be a number (an INTEGER
   * enumeration or count; a Gauge32 or Counter is taken as well).
   */
  static String numberProblem(String name, Variable v) {
    return v != null && !v.isException() && number(v).isPresent() ? null
        : problem(name, v, SMIConstants.SYNTAX_INTEGER);
  }

  /** The SMI name of a type (RFC 2578), by its BER tag: "INTEGER", "OCTET STRING", "TimeTicks". */
  static String typeName(int syntax) {
    switch (syntax) {
      case SMIConstants.SYNTAX_INTEGER:
        return "INTEGER";
      case SMIConstants.SYNTAX_OCTET_STRING:
        return "OCTET STRING";
      case SMIConstants.SYNTAX_NULL:
        return "NULL";
      case SMIConstants.SYNTAX_OBJECT_IDENTIFIER:
        return "OBJECT IDENTIFIER";
      case SMIConstants.SYNTAX_IPADDRESS:
        return "IpAddress";
      case SMIConstants.SYNTAX_COUNTER32:
        return "Counter32";
      case SMIConstants.SYNTAX_GAUGE32:
        return "Gauge32";
      case SMIConstants.SYNTAX_TIMETICKS:
        return "TimeTicks";
      case SMIConstants.SYNTAX_OPAQUE:
        return "Opaque";
      case SMIConstants.SYNTAX_COUNTER64:
        return "Counter64";
      default:
        return "type " + syntax;
    }
  }

  /** The value bound to {@code oid}, or null when the answer has no such binding. */
  static Variable value(List<? extends VariableBinding> response, OID oid) {
    for (VariableBinding vb : response) {
      if (oid.equals(vb.getOid())) {
        return vb.getVariable();
      }
    }
    return null;
  }

  /**
   * The printable text of a value (an OCTET STRING through {@link SnmpText}); null for exceptions
   * (noSuchObject...) and absent values.
   */
  static String text(Variable v) {
    if (v == null || v.isException() || v instanceof Null) {
      return null;
    }
    if (v instanceof OctetString octets) {
      return SnmpText.decode(octets.getValue());
    }
    return v.toString();
  }

  /**
   * The dotted text of an OBJECT IDENTIFIER; null for anything else. An agent that sends a string
   * for sysObjectID has no usable one: its text is not an OID to choose a vendor profile by.
   */
  static String objectId(Variable v) {
    return v != null && v.getSyntax() == SMIConstants.SYNTAX_OBJECT_IDENTIFIER ? v.toString() : null;
  }

  /** The value as a number when it is one (INTEGER, Gauge, Counter, TimeTicks). */
  static OptionalLong number(Variable v) {
    if (v == null) {
      return OptionalLong.empty();
    }
    switch (v.getSyntax()) {
      case SMIConstants.SYNTAX_INTEGER:
      case SMIConstants.SYNTAX_GAUGE32:
      case SMIConstants.SYNTAX_COUNTER32:
      case SMIConstants.SYNTAX_COUNTER64:
      case SMIConstants.SYNTAX_TIMETICKS:
        return OptionalLong.of(v.toLong());
      default:
        return OptionalLong.empty();
    }
  }

  /** 1s, 500ms, 1.5s: the way durations are written in the config. */
  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 1000 == 0) {
      return (ms / 1000) + "s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    return String.valueOf(ms / 1000.0).replaceAll("0+$", "") + "s";
  }

}
