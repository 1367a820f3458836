package org.daitu.vcmon.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class HostToolsTest {
  private static final String MISSING = "vcmon-surely-not-installed-tool";

  @Test
  void aMissingProgramSkipsOutsideCiNamingTheProgram() {
    HostTools local = new HostTools(false, name -> Optional.empty());
    assertThatThrownBy(() -> local.need(MISSING))
        .isInstanceOf(TestAbortedException.class)
        .hasMessage("skipped: " + MISSING + " is not installed");
  }

  @Test
  void aMissingProgramFailsUnderCiNamingTheProgramAndItsPackage() {
    HostTools ci = new HostTools(true, name -> Optional.empty());
    assertThatThrownBy(() -> ci.need("fping"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith("fping is not installed (apt-get install fping)")
        .hasMessageContaining("CI=true");
    assertThatThrownBy(() -> ci.need("/usr/bin/chromedriver"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith("/usr/bin/chromedriver is not installed (apt-get install chromium-driver)");
  }

  @Test
  void aSurelyMissingProgramIsLookedUpForReal() {
    HostTools ci = new HostTools(true, HostCommand::executable);
    assertThatThrownBy(() -> ci.need(MISSING))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining(MISSING);
    assertThatThrownBy(() -> new HostTools(false, HostCommand::executable).need(MISSING))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void aPresentProgramIsReturnedInBothModes() {
    Path sh = Path.of("/bin/sh");
    assertThat(new HostTools(true, name -> Optional.of(sh)).need("sh")).isEqualTo(sh);
    assertThat(new HostTools(false, HostCommand::executable).need("sh")).isNotNull();
  }

  @Test
  void aFixturesReasonIsPassedOnAsIs() {
    String reason = "net-snmp agent /usr/sbin/snmpd not found: install the Debian package snmpd";
    assertThatThrownBy(() -> new HostTools(true, n -> Optional.empty()).needAvailable(Optional.of(reason)))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith(reason);
    assertThatThrownBy(() -> new HostTools(false, n -> Optional.empty()).needAvailable(Optional.of(reason)))
        .isInstanceOf(TestAbortedException.class)
        .hasMessage("skipped: " + reason);
    new HostTools(true, n -> Optional.empty()).needAvailable(Optional.empty());
  }

  @Test
  void somethingThatIsNotAProgramNamesItsPackage() {
    assertThatThrownBy(
            () -> new HostTools(true, n -> Optional.empty())
                .needInstalled(false, "the Python module aiosmtpd", "python3-aiosmtpd"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith(
            "the Python module aiosmtpd is not installed (apt-get install python3-aiosmtpd)");
  }
}
