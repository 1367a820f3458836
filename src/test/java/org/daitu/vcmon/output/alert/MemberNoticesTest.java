package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.daitu.vcmon.cluster.Member;
import org.daitu.vcmon.output.alert.Notification.Kind;
import org.daitu.vcmon.output.alert.Notification.MemberLine;
import org.daitu.vcmon.output.alert.Notification.Severity;
import org.junit.jupiter.api.Test;

/** Member changes as notices: who is announced, with which key, in which words. */
class MemberNoticesTest {
  static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
  static final Instant TINH_JOINED = Instant.parse("2025-07-01T00:00:00Z");
  static final Instant JOINED = Instant.parse("2025-07-01T00:00:05.123Z");
  static final Instant LEFT = Instant.parse("2025-07-01T00:42:00Z"); // 07:42 in Đại Từ
  static final Instant BACK = Instant.parse("2025-07-01T00:50:00Z");
  static final Instant REJOINED = Instant.parse("2025-07-01T00:49:58.500Z");

  final Member tinh = new Member("tinh", "n-tinh", "127.0.0.21:7800", true, TINH_JOINED);
  final Member daiTuUp = new Member("dai-tu", "n-1", "127.0.0.22:7800", true, JOINED);
  final Member daiTuLeft = new Member("dai-tu", "n-1", "127.0.0.22:7800", false, LEFT);

  final MemberNotices vi = new MemberNotices("tinh", new Messages("vi", ZONE));

  @Test
  void membersUpAtStartAreNotAnnouncedAndTheirLeaveIsKeyedByTheirJoinTime() {
    vi.seed(List.of(tinh, daiTuUp));
    List<Notification> out = vi.onChange(daiTuLeft, List.of(tinh, daiTuLeft), LEFT.plusMillis(7));

    assertThat(out).singleElement().satisfies(n -> {
      assertThat(n.key()).isEqualTo("member:dai-tu:left:" + JOINED.toEpochMilli());
      assertThat(n.key()).isEqualTo("member:dai-tu:left:1751328005123");
      assertThat(n.kind()).isEqualTo(Kind.CLUSTER);
      assertThat(n.severity()).isEqualTo(Severity.WARNING);
      assertThat(n.resolved()).isFalse();
      assertThat(n.at()).isEqualTo(LEFT);
      assertThat(n.sites()).isEmpty();
      assertThat(n.member()).isEqualTo(new MemberLine("dai-tu", "127.0.0.22:7800", JOINED));
      assertThat(n.title()).isEqualTo("[CẢNH BÁO] vcmon dai-tu mất liên lạc với cụm");
      assertThat(n.text())
          .isEqualTo("vcmon tinh không còn liên lạc được với vcmon dai-tu (127.0.0.22:7800) từ 07:42."
              + " Máy chủ, nguồn điện hoặc đường truyền của vcmon dai-tu có thể gặp sự cố."
              + " Các điểm cầu vẫn được vcmon tinh tiếp tục giám sát.");
    });
  }

  @Test
  void aMemberSeenJoiningIsRememberedToo() {
    assertThat(vi.onChange(daiTuUp, List.of(tinh, daiTuUp), JOINED)).as("first seen: no notice").isEmpty();
    assertThat(vi.onChange(daiTuLeft, List.of(tinh, daiTuLeft), LEFT))
        .extracting(Notification::key)
        .containsExactly("member:dai-tu:left:1751328005123");
  }

  @Test
  void returnedOnlyAfterLeftKeyedByTheNewJoinTime() {
    vi.seed(List.of(tinh));
    assertThat(vi.onChange(daiTuUp, List.of(tinh, daiTuUp), JOINED)).as("the cluster's first start").isEmpty();
    vi.onChange(daiTuLeft, List.of(tinh, daiTuLeft), LEFT);
    Member restarted = new Member("dai-tu", "n-2", "127.0.0.22:7800", true, REJOINED);

    List<Notification> out = vi.onChange(restarted, List.of(tinh, restarted), BACK);

    assertThat(out).singleElement().satisfies(n -> {
      assertThat(n.key()).isEqualTo("member:dai-tu:returned:" + REJOINED.toEpochMilli());
      assertThat(n.kind()).isEqualTo(Kind.CLUSTER);
      assertThat(n.severity()).isEqualTo(Severity.WARNING);
      assertThat(n.resolved()).isTrue();
      assertThat(n.at()).isEqualTo(BACK);
      assertThat(n.member()).isEqualTo(new MemberLine("dai-tu", "127.0.0.22:7800", REJOINED));
      assertThat(n.title()).isEqualTo("[ĐÃ KHÔI PHỤC] vcmon dai-tu đã liên lạc lại với cụm");
      assertThat(n.text())
          .isEqualTo("vcmon dai-tu (127.0.0.22:7800) đã liên lạc lại với vcmon tinh lúc 07:50,"
              + " sau 8 phút mất liên lạc (từ 07:42).");
    });
    assertThat(vi.onChange(restarted, List.of(tinh, restarted), BACK)).as("up again without a leave").isEmpty();
  }

  @Test
  void englishTexts() {
    MemberNotices en = new MemberNotices("tinh", new Messages("en", ZONE));
    en.seed(List.of(tinh, daiTuUp));
    Notification left = en.onChange(daiTuLeft, List.of(tinh, daiTuLeft), LEFT).get(0);
    assertThat(left.title()).isEqualTo("[WARNING] vcmon dai-tu lost contact with the cluster");
    assertThat(left.text())
        .isEqualTo("vcmon tinh lost contact with vcmon dai-tu (127.0.0.22:7800) at 07:42."
            + " Its machine, power or network link may have failed. vcmon tinh keeps watching the sites.");
    Notification back = en.onChange(daiTuUp, List.of(tinh, daiTuUp), BACK).get(0);
    assertThat(back.title()).isEqualTo("[RESOLVED] vcmon dai-tu is back in the cluster");
    assertThat(back.text())
        .isEqualTo("vcmon dai-tu (127.0.0.22:7800) is back in contact with vcmon tinh at 07:50"
            + " after 8 min (lost since 07:42).");
  }

  @Test
  void twoAgentsSeeingTheSameLeaveAndReturnGiveTheSameKeys() {
    MemberNotices xaLa = new MemberNotices("xa-la", new Messages("en", ZONE));
    Member restarted = new Member("dai-tu", "n-2", "127.0.0.22:7800", true, REJOINED);
    List<String> keys = new ArrayList<>();
    for (MemberNotices agent : List.of(vi, xaLa)) {
      agent.seed(List.of(tinh, daiTuUp));
      // each agent sees the leave at its own time
      Member left = new Member("dai-tu", "n-1", "127.0.0.22:7800", false, keys.isEmpty() ? LEFT : LEFT.plusSeconds(3));
      agent.onChange(left, List.of(tinh, left), left.since()).forEach(n -> keys.add(n.key()));
      agent.onChange(restarted, List.of(tinh, restarted), BACK.plusSeconds(keys.size())).forEach(n -> keys.add(n.key()));
    }
    assertThat(keys)
        .containsExactly(
            "member:dai-tu:left:1751328005123", "member:dai-tu:returned:1751330998500",
            "member:dai-tu:left:1751328005123", "member:dai-tu:returned:1751330998500");
  }

  @Test
  void aMemberBackFromAPartitionKeepsItsJoinTimeSoLaterEpisodesAreNumbered() {
    vi.seed(List.of(tinh, daiTuUp));
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      vi.onChange(daiTuLeft, List.of(tinh, daiTuLeft), LEFT).forEach(n -> keys.add(n.key()));
      vi.onChange(daiTuUp, List.of(tinh, daiTuUp), BACK).forEach(n -> keys.add(n.key()));
    }
    assertThat(keys)
        .containsExactly(
            "member:dai-tu:left:1751328005123", "member:dai-tu:returned:1751328005123",
            "member:dai-tu:left:1751328005123:2", "member:dai-tu:returned:1751328005123:2",
            "member:dai-tu:left:1751328005123:3", "member:dai-tu:returned:1751328005123:3");
  }

  @Test
  void thisAgentUnnamedMembersAndARefusedTwinAreNotAnnounced() {
    vi.seed(List.of(tinh, daiTuUp));
    Member selfLeft = new Member("tinh", "n-tinh", "127.0.0.21:7800", false, LEFT);
    assertThat(vi.onChange(selfLeft, List.of(selfLeft, daiTuUp), LEFT)).isEmpty();
    Member unnamed = new Member(null, "n-9", "unknown", false, LEFT);
    assertThat(vi.onChange(unnamed, List.of(tinh, daiTuUp), LEFT)).isEmpty();

    // A second node claims dai-tu, is refused and leaves: the first dai-tu is still up.
    Member twin = new Member("dai-tu", "n-twin", "127.0.0.23:7800", true, BACK);
    assertThat(vi.onChange(twin, List.of(tinh, daiTuUp, twin), BACK)).isEmpty();
    Member twinLeft = new Member("dai-tu", "n-twin", "127.0.0.23:7800", false, BACK.plusSeconds(1));
    assertThat(vi.onChange(twinLeft, List.of(tinh, daiTuUp, twinLeft), BACK.plusSeconds(1))).isEmpty();

    // The real one leaving later is still announced with its own join time.
    assertThat(vi.onChange(daiTuLeft, List.of(tinh, daiTuLeft, twinLeft), LEFT.plusSeconds(600)))
        .extracting(Notification::key)
        .containsExactly("member:dai-tu:left:1751328005123");
  }

  @Test
  void aLeaveWithoutAKnownJoinTimeIsStillAnnounced() {
    List<Notification> out = vi.onChange(daiTuLeft, List.of(tinh, daiTuLeft), LEFT);
    assertThat(out).extracting(Notification::key).containsExactly("member:dai-tu:left:seen-" + LEFT.toEpochMilli());
  }

  @Test
  void aSecondLeaveWithoutAReturnIsNotAnnouncedTwice() {
    vi.seed(List.of(tinh, daiTuUp));
    assertThat(vi.onChange(daiTuLeft, List.of(tinh, daiTuLeft), LEFT)).hasSize(1);
    assertThat(vi.onChange(daiTuLeft, List.of(tinh, daiTuLeft), LEFT)).isEmpty();
  }

  /** dai-tu lost, as tinh announces it (Vietnamese), for the channel tests. */
  static Notification left() {
    MemberNotices notices = new MemberNotices("tinh", new Messages("vi", ZONE));
    Member tinh = new Member("tinh", "n-tinh", "127.0.0.21:7800", true, TINH_JOINED);
    notices.seed(List.of(tinh, new Member("dai-tu", "n-1", "127.0.0.22:7800", true, JOINED)));
    Member gone = new Member("dai-tu", "n-1", "127.0.0.22:7800", false, LEFT);
    return notices.onChange(gone, List.of(tinh, gone), LEFT).get(0);
  }

  /** dai-tu back after {@link #left()}. */
  static Notification returned() {
    MemberNotices notices = new MemberNotices("tinh", new Messages("vi", ZONE));
    Member tinh = new Member("tinh", "n-tinh", "127.0.0.21:7800", true, TINH_JOINED);
    Member gone = new Member("dai-tu", "n-1", "127.0.0.22:7800", false, LEFT);
    notices.onChange(gone, List.of(tinh, gone), LEFT);
    Member back = new Member("dai-tu", "n-2", "127.0.0.22:7800", true, REJOINED);
    return notices.onChange(back, List.of(tinh, back), BACK).get(0);
  }
}
