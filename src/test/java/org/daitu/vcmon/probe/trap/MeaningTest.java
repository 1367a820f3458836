package org.daitu.vcmon.probe.trap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.daitu.vcmon.probe.trap.Meaning.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MeaningTest {
  @ParameterizedTest(name = "{0} is {1}, {2}")
  @CsvSource({
    "1.3.6.1.6.3.1.1.5.1, coldStart, RESTART",
    "1.3.6.1.6.3.1.1.5.2, warmStart, RESTART",
    "1.3.6.1.6.3.1.1.5.3, linkDown, LINK",
    "1.3.6.1.6.3.1.1.5.4, linkUp, LINK",
    "1.3.6.1.6.3.1.1.5.5, authenticationFailure, NONE",
    "1.3.6.1.4.1.13885.101.0.70, h323GateKeeperRegistrationFailed, ENDPOINT",
    "1.3.6.1.4.1.13885.101.0.71, h323GateKeeperRegistrationOK, ENDPOINT",
    "1.3.6.1.4.1.13885.101.0.72, sipRegistrationFailed, ENDPOINT",
    "1.3.6.1.4.1.13885.101.0.73, sipRegistrationOK, ENDPOINT",
    "1.3.6.1.4.1.13885.101.0.78, callConnected, NONE",
    "1.3.6.1.4.1.13885.101.0.79, callDisconnected, ENDPOINT",
    "1.3.6.1.4.1.13885.101.0.80, callFailed, ENDPOINT",
    "1.3.6.1.4.1.13885.101.0.81, 1.3.6.1.4.1.13885.101.0.81, NONE",
    "1.3.6.1.6.3.1.1.5, 1.3.6.1.6.3.1.1.5, NONE",
  })
  void knowsTheNotificationsItActsOn(String oid, String name, Kind kind) {
    assertEquals(new Meaning(name, kind), Meaning.of(oid));
  }

  @ParameterizedTest(name = "v1 {0} generic {1} specific {2} -> {3}")
  @CsvSource({
    "1.3.6.1.4.1.8072.3.2.10, 0, 0, 1.3.6.1.6.3.1.1.5.1",
    "1.3.6.1.4.1.8072.3.2.10, 2, 0, 1.3.6.1.6.3.1.1.5.3",
    "1.3.6.1.4.1.8072.3.2.10, 3, 0, 1.3.6.1.6.3.1.1.5.4",
    "1.3.6.1.4.1.8072.3.2.10, 5, 0, 1.3.6.1.6.3.1.1.5.6",
    "1.3.6.1.4.1.13885.101, 6, 72, 1.3.6.1.4.1.13885.101.0.72",
  })
  void readsV1TrapsAsRfc3584Says(String enterprise, int generic, int specific, String oid) {
    assertEquals(oid, Meaning.v1TrapOid(enterprise, generic, specific));
  }

  @ParameterizedTest(name = "v1 generic {0}")
  @CsvSource({"-1", "7", "6"})
  void aV1TrapWithNoSenseHasNoOid(int generic) {
    assertNull(Meaning.v1TrapOid(generic == 6 ? "" : "1.3.6.1.4.1.1", generic, 1));
  }
}
