package org.daitu.vcmon.probe.snmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.config.SnmpProfile;
import org.junit.jupiter.api.Test;

/** How profiles are grouped into SNMP sessions (one USM and socket each). */
class SessionTest {
  private static SnmpProfile v3(String name, String user, String authPassword) {
    return SnmpProfile.v3(name, user, SnmpProfile.AuthProtocol.SHA, Secret.of(authPassword),
        SnmpProfile.PrivProtocol.AES, Secret.of("priv-pass"));
  }

  @Test
  void profilesWithoutConflictsShareOneSession() {
    List<Session> sessions =
        Session.group(List.of(
            SnmpProfile.v2c("communes", Secret.of("commune-ro")),
            v3("polycom", "vcmon", "auth-pass"),
            // another name, same credentials: the USM holds them once
            v3("polycom-copy", "vcmon", "auth-pass"),
            v3("huawei", "hw-ro", "other-pass")));

    assertThat(sessions).hasSize(1);
    assertThat(sessions.get(0).profileNames())
        .containsExactly("communes", "polycom", "polycom-copy", "huawei");
    assertThat(sessions.get(0).holds(v3("any", "vcmon", "auth-pass"))).isTrue();
    assertThat(sessions.get(0).holds(v3("any", "vcmon", "auth-pass-X"))).isFalse();
  }

  @Test
  void noProfilesStillGiveTheSessionV2cPollsUse() {
    assertThat(Session.group(List.of())).hasSize(1);
  }

  @Test
  void eachFurtherCredentialSetForAUserNameCostsOneSessionGreedily() {
    List<Session> sessions =
        Session.group(List.of(
            v3("ha-thuong", "vcmon", "pass-1"),
            v3("cu-van", "vcmon", "pass-2"),
            v3("la-bang", "vcmon", "pass-3"),
            v3("quan-chu", "vcmon", "pass-2"),
            // free in the first session: no new socket for it
            v3("vendor", "hw-ro", "pass-9"),
            // "hw-ro" is taken in session 0 but free in session 1
            v3("vendor-2", "hw-ro", "pass-8"),
            SnmpProfile.v2c("communes", Secret.of("commune-ro"))));

    assertThat(sessions).hasSize(3);
    assertThat(sessions).extracting(Session::index).containsExactly(0, 1, 2);
    assertThat(sessions.get(0).profileNames())
        .containsExactly("ha-thuong", "vendor", "communes");
    assertThat(sessions.get(1).profileNames()).containsExactly("cu-van", "quan-chu", "vendor-2");
    assertThat(sessions.get(2).profileNames()).containsExactly("la-bang");
    assertThat(sessions.get(1).holds(v3("x", "vcmon", "pass-2"))).isTrue();
    assertThat(sessions.get(1).holds(v3("x", "vcmon", "pass-1"))).isFalse();
  }
}
