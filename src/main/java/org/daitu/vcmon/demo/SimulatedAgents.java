package org.daitu.vcmon.demo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.snmp4j.CommandResponder;
import org.snmp4j.CommandResponderEvent;
import org.snmp4j.MessageDispatcherImpl;
import org.snmp4j.MessageException;
import org.snmp4j.PDU;
import org.snmp4j.Snmp;
import org.snmp4j.mp.MPv2c;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real SNMPv2c agents for the demo, inside the process: one UDP socket per simulated endpoint
 * (each on its own loopback address), answering GET, GETNEXT and GETBULK from the endpoint's MIB.
 * vcmon polls them over the network stack exactly as it polls a codec in a commune.
 */
final class SimulatedAgents implements CommandResponder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatedAgents.class);
  private static final int MAX_REPETITIONS = 50;

  private final Snmp snmp;
  private final OctetString community;
  private final Map<String, SimulatedEndpoint> byListenAddress = new HashMap<>();

  SimulatedAgents(List<SimulatedEndpoint> endpoints, int port, String community) throws IOException {
    this.community = new OctetString(community);
    MessageDispatcherImpl dispatcher = new MessageDispatcherImpl();
    dispatcher.addMessageProcessingModel(new MPv2c());
    this.snmp = new Snmp(dispatcher);
    List<DefaultUdpTransportMapping> transports = new ArrayList<>();
    for (SimulatedEndpoint e : endpoints) {
      UdpAddress listen = new UdpAddress(e.address + "/" + port);
      DefaultUdpTransportMapping t = new DefaultUdpTransportMapping(listen);
      transports.add(t);
      snmp.addTransportMapping(t);
      byListenAddress.put(listen.toString(), e);
    }
    snmp.addCommandResponder(this);
    snmp.listen();
    log.info("Demo SNMP agents listening count={} port={}", transports.size(), port);
  }

  @Override
  public <A extends Address> void processPdu(CommandResponderEvent<A> event) {
    SimulatedEndpoint endpoint =
        byListenAddress.get(String.valueOf(event.getTransportMapping().getListenAddress()));
    event.setProcessed(true);
    if (endpoint == null
        || !endpoint.answersSnmp()
        || !community.equals(new OctetString(event.getSecurityName()))) {
      return; // silent, like a real agent that is cut off, switched off or asked the wrong community
    }
    PDU request = event.getPDU();
    PDU response = answer(request, endpoint.mibNow(System.currentTimeMillis()));
    try {
      event
          .getMessageDispatcher()
          .returnResponsePdu(
              event.getMessageProcessingModel(),
              event.getSecurityModel(),
              event.getSecurityName(),
              event.getSecurityLevel(),
              response,
              event.getMaxSizeResponsePDU(),
              event.getStateReference(),
              new StatusInformation());
    } catch (MessageException e) {
      log.warn("Demo SNMP agent could not answer site={} error=\"{}\"", endpoint.siteId, e.getMessage());
    }
  }

  /** GET, GETNEXT and GETBULK over a sorted MIB, as RFC 3416 describes them. */
  static PDU answer(PDU request, NavigableMap<OID, Variable> mib) {
    PDU response = new PDU();
    response.setType(PDU.RESPONSE);
    response.setRequestID(request.getRequestID());
    List<? extends VariableBinding> vbs = request.getVariableBindings();
    switch (request.getType()) {
      case PDU.GET -> {
        for (VariableBinding vb : vbs) {
          Variable v = mib.get(vb.getOid());
          response.add(new VariableBinding(vb.getOid(), v == null ? Null.noSuchObject : v));
        }
      }
      case PDU.GETNEXT -> {
        for (VariableBinding vb : vbs) {
          response.add(next(mib, vb.getOid()));
        }
      }
      case PDU.GETBULK -> {
        int nonRepeaters = Math.max(0, Math.min(request.getNonRepeaters(), vbs.size()));
        int repetitions = Math.max(0, Math.min(request.getMaxRepetitions(), MAX_REPETITIONS));
        for (int i = 0; i < nonRepeaters; i++) {
          response.add(next(mib, vbs.get(i).getOid()));
        }
        List<OID> cursors = new ArrayList<>();
        for (int i = nonRepeaters; i < vbs.size(); i++) {
          cursors.add(vbs.get(i).getOid());
        }
        for (int r = 0; r < repetitions && !cursors.isEmpty(); r++) {
          for (int c = 0; c < cursors.size(); c++) {
            VariableBinding vb = next(mib, cursors.get(c));
            response.add(vb);
            cursors.set(c, vb.getOid());
          }
        }
      }
      default -> {
        response.setErrorStatus(PDU.genErr);
        response.setErrorIndex(1);
      }
    }
    return response;
  }

  private static VariableBinding next(NavigableMap<OID, Variable> mib, OID oid) {
    Map.Entry<OID, Variable> e = mib.higherEntry(oid);
    return e == null ? new VariableBinding(oid, Null.endOfMibView) : new VariableBinding(e.getKey(), e.getValue());
  }

  @Override
  public void close() {
    try {
      snmp.close();
    } catch (IOException e) {
      log.warn("Closing demo SNMP agents failed error=\"{}\"", e.getMessage());
    }
  }
}
