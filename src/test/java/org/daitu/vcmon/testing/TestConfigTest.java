package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestConfigTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{ interval: 2s }                                  | { interval: 2s, snmp: { retries: 1, interval: 0s } }",
        "{ interval: 2s, snmp: { max_interfaces: 10 } }    | { interval: 2s, snmp: { interval: 0s, retries: 1, max_interfaces: 10 } }",
        "{ interval: 2s, snmp: { retries: 0 } }            | { interval: 2s, snmp: { interval: 0s, retries: 0 } }",
        "{ snmp: { interval: 5m, retries: 0 } }            | { snmp: { interval: 5m, retries: 0 } }",
      })
  void aProbeSectionPollsSnmpAtEveryCheckUnlessItSaysOtherwise(String given, String written) {
    assertThat(TestConfig.everyCheckSnmp(given)).isEqualTo(written);
  }
}
