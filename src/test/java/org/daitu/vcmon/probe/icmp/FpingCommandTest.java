package org.daitu.vcmon.probe.icmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FpingCommandTest {

  private static final FpingCommand DEFAULTS =
      new FpingCommand(List.of(), "fping", 5, Duration.ofMillis(200), Duration.ofSeconds(2));

  @Test
  void argvAsksForPerEchoRttsAndReadsTargetsFromStdin() {
    assertThat(DEFAULTS.argv())
        .containsExactly("fping", "-C", "5", "-p", "200", "-t", "2000", "-i", "1", "-f", "-");
  }

  @Test
  void prefixComesBeforeTheProgram() {
    FpingCommand command =
        new FpingCommand(
            List.of("ip", "netns", "exec", "lab"), "/usr/bin/fping", 1, Duration.ofMillis(50),
            Duration.ofMillis(300));

    assertThat(command.argv())
        .containsExactly(
            "ip", "netns", "exec", "lab", "/usr/bin/fping", "-C", "1", "-p", "50", "-t", "300",
            "-i", "1", "-f", "-");
  }

  @Test
  void stdinHasOneTargetPerLine() {
    assertThat(FpingCommand.stdin(List.of("127.0.0.1", "vc.ha-thuong.local")))
        .isEqualTo("127.0.0.1\nvc.ha-thuong.local\n");
  }

  @Test
  void deadlineOfASmallBatchIsEchoesPlusTimeoutPlusMargin() {
    // 5 x 200 ms + 2 s timeout + 2 s margin
    assertThat(DEFAULTS.deadline(10)).isEqualTo(Duration.ofMillis(5000));
  }

  @Test
  void deadlineOfALargeBatchIsBoundByTheSendInterval() {
    // 500 targets x 5 echoes x 1 ms = 2.5 s of sending, more than 5 x 200 ms
    assertThat(DEFAULTS.deadline(500)).isEqualTo(Duration.ofMillis(6500));
  }

  @Test
  void badSettingsNameTheKey() {
    Duration period = Duration.ofMillis(200);
    Duration timeout = Duration.ofSeconds(2);
    assertThatThrownBy(() -> new FpingCommand(List.of(), "fping", 0, period, timeout))
        .hasMessage("probe.icmp.packets: must be at least 1, got 0");
    assertThatThrownBy(() -> new FpingCommand(List.of(), " ", 5, period, timeout))
        .hasMessage("probe.icmp.fping: must name the fping program, got \" \"");
    assertThatThrownBy(() -> new FpingCommand(List.of(), "fping", 5, Duration.ZERO, timeout))
        .hasMessage("probe.icmp.period: must be at least 1ms, got PT0S");
    assertThatThrownBy(() -> new FpingCommand(List.of(), "fping", 5, period, Duration.ZERO))
        .hasMessage("probe.timeout: must be at least 1ms, got PT0S");
  }
}
