package org.daitu.vcmon.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpLiteralTest {

  @ParameterizedTest
  @CsvSource({
    "198.18.1.10, true, true, true",
    "0.0.0.0, true, true, true",
    "255.255.255.255, true, true, true",
    "300.1.1.1, false, true, false",
    "01.2.3.4, false, true, false",
    "1.2.3, false, true, false",
    "::1, false, true, true",
    "fe80::1%eth0, false, true, true",
    "localhost, false, false, false",
    "vc.ha-thuong.daitu.vn, false, false, false",
    "1.2.3.4.example, false, false, false"
  })
  void judgesByShape(String text, boolean ipv4, boolean looksLikeAddress, boolean literal) {
    assertThat(IpLiteral.isIpv4(text)).as("isIpv4").isEqualTo(ipv4);
    assertThat(IpLiteral.looksLikeAddress(text)).as("looksLikeAddress").isEqualTo(looksLikeAddress);
    assertThat(IpLiteral.isIpLiteral(text)).as("isIpLiteral").isEqualTo(literal);
  }

  @ParameterizedTest
  @CsvSource({
    "192.0.2.1, true",
    "192.0.2.255, true",
    "198.51.100.7, true",
    "203.0.113.10, true",
    "192.0.20.1, false",
    "192.0.3.1, false",
    "198.18.1.10, false",
    "10.171.1.10, false",
    "192.0.2.300, false",
    "doc.192.0.2.1, false"
  })
  void documentationAddressesAreTheThreeBlocksOfRfc5737(String text, boolean documentation) {
    assertThat(IpLiteral.isDocumentation(text)).isEqualTo(documentation);
  }
}
