package org.daitu.vcmon.probe.snmp;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;

/**
 * {@link SnmpClient} over one {@link Session}'s SNMP4J stack, for one target (address,
 * credentials, timeout and retries), made for one poll.
 *
 * <p>Each request is announced to the session before it is sent, so the session reads datagrams
 * from this agent only and keeps a REPORT for this request ID only; SNMP4J retries it as the
 * target says, and the listener cancels it on its first event. Futures complete on {@code ctx},
 * the context of the caller of the poll, never on an SNMP4J thread.
 *
 * <p>SNMPv1 targets have no GETBULK: {@link #getBulk} reads the same rows with GETNEXT (see
 * {@link GetNextRows}). A GET of an object a v1 agent does not have fails with the noSuchName
 * error-status the agent sends, as any error-status does.
 */
final class Snmp4jClient implements SnmpClient {
  private final Session session;
  private final Snmp snmp;
  private final Context ctx;
  private final Target<UdpAddress> target;
  private final String user;
  /** The probe's registry of how to end each request in flight when it closes. */
  private final Map<ResponseListener, Runnable> inFlight;
  /** GETBULK over GETNEXT, for v1 targets only (null otherwise). */
  private final GetNextRows nextRows;

  /**
   * @param user the v3 user name, for reasons; null for v1 and v2c
   * @param inFlight where each request leaves how to end it if the probe closes under it
   */
  Snmp4jClient(
      Session session,
      Snmp snmp,
      Context ctx,
      Target<UdpAddress> target,
      String user,
      Map<ResponseListener, Runnable> inFlight) {
    this.session = session;
    this.snmp = snmp;
    this.ctx = ctx;
    this.target = target;
    this.user = user;
    this.inFlight = inFlight;
    this.nextRows =
        target.getVersion() == SnmpConstants.version1 ? new GetNextRows(this::getNext) : null;
  }

  @Override
  public Future<List<VariableBinding>> get(List<OID> oids) {
    PDU get = pdu(PDU.GET);
    oids.forEach(oid -> get.add(new VariableBinding(oid)));
    return exchange(get).map(Snmp4jClient::bindings);
  }

  @Override
  public Future<List<VariableBinding>> getBulk(List<OID> oids, int maxRepetitions) {
    if (nextRows != null) {
      return nextRows.rows(oids, maxRepetitions);
    }
    PDU bulk = pdu(PDU.GETBULK);
    bulk.setNonRepeaters(0);
    bulk.setMaxRepetitions(maxRepetitions);
    oids.forEach(oid -> bulk.add(new VariableBinding(oid)));
    return exchange(bulk).map(Snmp4jClient::bindings);
  }

  /** GETNEXT: the successor of each OID asked, in the order asked. */
  private Future<List<VariableBinding>> getNext(List<OID> oids) {
    PDU next = pdu(PDU.GETNEXT);
    oids.forEach(oid -> next.add(new VariableBinding(oid)));
    return exchange(next).map(Snmp4jClient::bindings);
  }

  private static List<VariableBinding> bindings(PDU response) {
    return new ArrayList<>(response.getVariableBindings());
  }

  /** A PDU of the right class: v3 needs a ScopedPDU. */
  private PDU pdu(int type) {
    PDU p = target.getVersion() == SnmpConstants.version3 ? new ScopedPDU() : new PDU();
    p.setType(type);
    return p;
  }

  /**
   * Sends one request and completes, on {@code ctx}, with the agent's answer; fails with
   * {@link RequestFailed} when there is no usable answer (timeout, report, error-status, local
   * error).
   */
  private Future<PDU> exchange(PDU request) {
    Promise<PDU> answer = Promise.promise();
    AtomicBoolean ended = new AtomicBoolean();
    UdpAddress agent = target.getAddress();
    int requestId = session.begin(agent);
    request.setRequestID(new Integer32(requestId));
    ResponseListener listener =
        new ResponseListener() {
          @Override
          public <A extends Address> void onResponse(ResponseEvent<A> event) {
            // without cancel SNMP4J keeps the request (and retries it) until it times out
            snmp.cancel(event.getRequest(), this);
            if (!ended.compareAndSet(false, true)) {
              return;
            }
            PDU report = session.end(agent, requestId);
            inFlight.remove(this);
            Failure failure = failure(event, report);
            PDU response = event.getResponse();
            onContext(
                ctx,
                () -> {
                  if (failure == null) {
                    answer.complete(response);
                  } else {
                    answer.fail(new RequestFailed(failure));
                  }
                });
          }
        };
    // SNMP4J drops pending requests silently on close: close() ends them through this
    inFlight.put(
        listener,
        () -> {
          if (ended.compareAndSet(false, true)) {
            session.end(agent, requestId);
            snmp.cancel(request, listener);
            onContext(ctx, () -> answer.fail(new RequestFailed(
                new Local("SNMP request failed locally: the probe was closed"))));
          }
        });
    try {
      snmp.send(request, target, null, listener);
    } catch (IOException | RuntimeException e) {
      inFlight.remove(listener);
      if (ended.compareAndSet(false, true)) {
        session.end(agent, requestId);
        answer.fail(new RequestFailed(new Local("cannot send SNMP request: " + e.getMessage())));
      }
    }
    return answer.future();
  }

  /** Why the event is no usable answer, or null when it is one. Runs on an SNMP4J thread. */
  private Failure failure(ResponseEvent<?> event, PDU report) {
    PDU response = event.getResponse();
    if (event.getError() != null) {
      return new Local("SNMP request failed locally: " + event.getError());
    }
    if (response == null && target.getVersion() == SnmpConstants.version3) {
      // forget the engine ID: the next poll discovers it again, which both follows an agent
      // that was replaced and gives the evidence below once more
      session.forgetEngineId(target.getAddress());
      if (report != null) {
        return new Report(SnmpReplies.counter(report), user, true);
      }
    }
    if (response == null) {
      return new Timeout(Duration.ofMillis(target.getTimeout()), target.getRetries() + 1);
    }
    if (response.getType() == PDU.REPORT) {
      return new Report(SnmpReplies.counter(response), user, false);
    }
    if (response.getErrorStatus() != PDU.noError) {
      return new ErrorStatus(
          response.getErrorStatus(), response.getErrorIndex(), SnmpReplies.erroredObject(response));
    }
    return null;
  }

  /** Runs {@code action} on {@code ctx}: at once when already there. */
  static void onContext(Context ctx, Runnable action) {
    if (Vertx.currentContext() == ctx) {
      action.run();
    } else {
      ctx.runOnContext(v -> action.run());
    }
  }
}
