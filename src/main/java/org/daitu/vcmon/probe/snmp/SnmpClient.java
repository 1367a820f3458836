package org.daitu.vcmon.probe.snmp;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/**
 * The requests a poll makes of one SNMP agent: the seam between the poll recipe
 * ({@link PollRecipe}) and the wire ({@link Snmp4jClient}). One client talks to one agent with
 * one set of credentials; the recipe's unit tests put an in-memory agent keyed by OID in its
 * place.
 *
 * <p>A future fails with {@link RequestFailed} when the agent gave no usable answer, the
 * {@link Failure} saying why; any other failure is a bug or a local fault. An object the agent
 * does not have is not a failure: it comes back as an exception value (noSuchObject,
 * noSuchInstance, endOfMibView), as agents send it. SNMPv1 has no exception values: a v1 agent
 * refuses a GET naming a missing object as a whole, an {@link ErrorStatus} noSuchName whose
 * index names it.
 */
interface SnmpClient {

  /** GET: one binding per OID asked, in the order asked. */
  Future<List<VariableBinding>> get(List<OID> oids);

  /**
   * GETBULK without non-repeaters: up to {@code maxRepetitions} rows, each row the successor of
   * every OID in the row before (the first row: of {@code oids}), so binding {@code k} continues
   * {@code oids.get(k % oids.size())}. The agent may send fewer rows, and ends a column that has
   * no successor with endOfMibView. SNMPv1 has no GETBULK: a v1 client reads the rows with
   * GETNEXT and keeps this contract (see {@link GetNextRows}).
   */
  Future<List<VariableBinding>> getBulk(List<OID> oids, int maxRepetitions);

  /** Why a request got no usable answer. */
  sealed interface Failure permits Timeout, ErrorStatus, Report, Local {}

  /** No answer to any of the {@code attempts}, each waiting {@code timeout}. */
  record Timeout(Duration timeout, int attempts) implements Failure {}

  /**
   * An answer with a non-zero error-status (RFC 3416 §3).
   *
   * @param index the 1-based error-index the agent sent
   * @param object the OID asked at that index; null when the index points at no binding
   */
  record ErrorStatus(int status, int index, OID object) implements Failure {}

  /**
   * An SNMPv3 refusal: the agent answered with a REPORT naming the USM counter it bumped
   * ({@code counter}, null when the report named none). {@code unanswered}: the report came
   * during engine-ID discovery and the request itself then went unanswered, which is how
   * net-snmp treats a message it cannot decrypt.
   */
  record Report(OID counter, String user, boolean unanswered) implements Failure {}

  /** The request could not be made here (not sent, or the probe closed under it). */
  record Local(String reason) implements Failure {}

  /** The failure of a request the agent gave no usable answer to; carries no stack trace. */
  final class RequestFailed extends Exception {
    private final Failure failure;

    RequestFailed(Failure failure) {
      super(failure.toString(), null, false, false);
      this.failure = failure;
    }

    Failure failure() {
      return failure;
    }
  }
}
