package org.daitu.vcmon.output.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.config.Secret;
import org.daitu.vcmon.testing.ManualClock;
import org.junit.jupiter.api.Test;

class SessionBookTest {
  private static final SessionBook.Settings SETTINGS =
      new SessionBook.Settings(Duration.ofHours(12), Duration.ofDays(7), 3);
  private static final byte[] DIGEST = OperatorTokens.digest("lan-token-0123456789");
  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T07:00:00Z"));
  private final SessionBook book = new SessionBook(SETTINGS, clock);

  @Test
  void aSessionIsFoundByItsIdWithItsOperatorAndCsrfToken() {
    SessionBook.Session s = book.open("lan", DIGEST);
    assertThat(s.id()).hasSize(43).isNotEqualTo(s.csrf());
    assertThat(s.csrf()).hasSize(43);
    SessionBook.Session found = book.find(s.id()).orElseThrow();
    assertThat(found.operator()).isEqualTo("lan");
    assertThat(found.csrf()).isEqualTo(s.csrf());
    assertThat(found.id()).as("the book does not keep the cookie's value").isNull();
    assertThat(book.find("another-" + s.id())).isEmpty();
    assertThat(book.find(null)).isEmpty();
    assertThat(book.find("")).isEmpty();
  }

  @Test
  void idsAndTokensAreNeverTheSameTwice() {
    Set<String> seen = new HashSet<>();
    SessionBook big = new SessionBook(new SessionBook.Settings(Duration.ofHours(1), Duration.ofDays(1), 10_000), clock);
    for (int i = 0; i < 1_000; i++) {
      SessionBook.Session s = big.open("lan", DIGEST);
      assertThat(seen.add(s.id())).isTrue();
      assertThat(seen.add(s.csrf())).isTrue();
    }
  }

  @Test
  void aSessionUnusedForTheIdleTimeEnds() {
    SessionBook.Session s = book.open("lan", DIGEST);
    clock.advance(Duration.ofHours(12).minusSeconds(1));
    assertThat(book.find(s.id())).as("used just before the idle end: restarts it").isPresent();
    clock.advance(Duration.ofHours(12).minusSeconds(1));
    assertThat(book.find(s.id())).isPresent();
    clock.advance(Duration.ofHours(12));
    assertThat(book.find(s.id())).as("12 h idle").isEmpty();
    assertThat(book.size()).as("forgotten once found expired").isZero();
  }

  @Test
  void aSessionUsedAllTheTimeStillEndsAtTheAbsoluteLimit() {
    SessionBook.Session s = book.open("lan", DIGEST);
    Instant start = clock.instant();
    while (clock.instant().isBefore(start.plus(Duration.ofDays(7)).minusSeconds(3600))) {
      clock.advance(Duration.ofHours(1));
      assertThat(book.find(s.id())).isPresent();
    }
    SessionBook.Session live = book.find(s.id()).orElseThrow();
    assertThat(book.expiresAt(live)).isEqualTo(start.plus(Duration.ofDays(7)));
    clock.advance(Duration.ofHours(1));
    assertThat(book.find(s.id())).as("7 days after sign-in").isEmpty();
  }

  @Test
  void expiresAtIsTheEarlierOfIdleAndAbsoluteEnds() {
    SessionBook.Session s = book.open("lan", DIGEST);
    Instant start = clock.instant();
    assertThat(book.expiresAt(book.find(s.id()).orElseThrow())).isEqualTo(start.plus(Duration.ofHours(12)));
  }

  @Test
  void signingOutEndsTheSession() {
    SessionBook.Session s = book.open("lan", DIGEST);
    SessionBook.Session other = book.open("lan", DIGEST);
    assertThat(book.close(s.id())).isTrue();
    assertThat(book.close(s.id())).isFalse();
    assertThat(book.find(s.id())).isEmpty();
    assertThat(book.find(other.id())).as("another session of the same operator stays").isPresent();
  }

  @Test
  void theBookIsBoundedAndEndsTheLeastRecentlyUsedFirst() {
    SessionBook.Session a = book.open("a", DIGEST);
    SessionBook.Session b = book.open("b", DIGEST);
    SessionBook.Session c = book.open("c", DIGEST);
    book.find(a.id());
    SessionBook.Session d = book.open("d", DIGEST);
    assertThat(book.size()).isEqualTo(3);
    assertThat(book.find(b.id())).as("least recently used").isEmpty();
    assertThat(book.find(a.id())).isPresent();
    assertThat(book.find(c.id())).isPresent();
    assertThat(book.find(d.id())).isPresent();
  }

  @Test
  void retainEndsTheSessionsOfOperatorsNoLongerHeld() {
    SessionBook.Session lan = book.open("lan", DIGEST);
    SessionBook.Session hoa = book.open("hoa", OperatorTokens.digest("hoa-token-0123456789"));
    OperatorTokens now = OperatorTokens.of(List.of(new AgentConfig.Operator("hoa", Secret.of("hoa-token-0123456789"))));
    assertThat(book.retain(s -> now.holds(s.operator(), s.tokenDigest()))).isEqualTo(1);
    assertThat(book.find(lan.id())).isEmpty();
    assertThat(book.find(hoa.id())).isPresent();
  }
}
