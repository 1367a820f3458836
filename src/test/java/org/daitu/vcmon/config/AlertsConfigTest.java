package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** alerts (language, digest, delays, channels) and meetings. */
class AlertsConfigTest {
  static final String SITES =
      "sites:\n"
          + "  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 198.18.1.10 }\n"
          + "  - { id: cat-ne, name: Cát Nê, type: xã, address: 198.18.1.11 }\n";

  AgentConfig load(Path dir, String yaml, Map<String, String> env) throws Exception {
    Path f = dir.resolve("vcmon.yaml");
    Files.writeString(f, yaml + SITES);
    return ConfigLoader.load(f, env);
  }

  @Test
  void defaultsAreTheOnesInDefaults(@TempDir Path dir) throws Exception {
    AgentConfig c = load(dir, "", Map.of());
    assertThat(c.alerts()).isEqualTo(AgentConfig.Alerts.none());
    assertThat(c.alerts().language()).isEqualTo(Defaults.ALERT_LANGUAGE);
    assertThat(c.alerts().digestWindow()).isEqualTo(Defaults.DIGEST_WINDOW);
    assertThat(c.alerts().digestMinSites()).isEqualTo(Defaults.DIGEST_MIN_SITES);
    assertThat(c.alerts().degradedAfter()).isEqualTo(Defaults.DEGRADED_AFTER);
    assertThat(c.alerts().reminderInterval()).isEqualTo(Defaults.REMINDER_INTERVAL);
    assertThat(c.meetings()).isEmpty();
  }

  @Test
  void channelDefaults(@TempDir Path dir) throws Exception {
    AgentConfig c =
        load(
            dir,
            "alerts:\n"
                + "  webhooks: [{ url: http://127.0.0.1:9099/hook }]\n"
                + "  telegram: [{ bot_token_env: BOT, chat_id: \"-100123\" }]\n"
                + "  email: [{ host: 127.0.0.1, from: vcmon@daitu.example, to: [it@daitu.example] }]\n"
                + "  alertmanager: [{ url: http://127.0.0.1:9093/ }]\n",
            Map.of("BOT", "123:abc"));
    assertThat(c.alerts().webhooks())
        .containsExactly(new AgentConfig.Webhook("http://127.0.0.1:9099/hook", Map.of(), "warning", false));
    assertThat(c.alerts().telegram())
        .containsExactly(
            new AgentConfig.Telegram(Secret.of("123:abc"), "-100123", Defaults.TELEGRAM_API_BASE, "warning", false));
    assertThat(c.alerts().email())
        .containsExactly(
            new AgentConfig.Email(
                "127.0.0.1", 587, true, null, null, "vcmon@daitu.example", List.of("it@daitu.example"), "warning", false));
    assertThat(c.alerts().alertmanager())
        .containsExactly(new AgentConfig.AlertmanagerTarget("http://127.0.0.1:9093", Duration.ofMinutes(1), "warning", false));
  }

  @Test
  void everythingSet(@TempDir Path dir) throws Exception {
    AgentConfig c =
        load(
            dir,
            "timezone: Asia/Bangkok\n"
                + "alerts:\n"
                + "  language: en\n"
                + "  digest: { window: 30s, min_sites: 5 }\n"
                + "  degraded_after: 15m\n"
                + "  reminder_interval: 1h\n"
                + "  webhooks:\n"
                + "    - url: https://hooks.example/vcmon\n"
                + "      headers: { X-Source: vcmon }\n"
                + "      headers_env: { Authorization: HOOK_AUTH }\n"
                + "      min_severity: info\n"
                + "      degraded: true\n"
                + "  telegram: [{ bot_token_env: BOT, chat_id: \"@daitu_it\", api_base: \"http://127.0.0.1:8081\", min_severity: critical }]\n"
                + "  email:\n"
                + "    - { host: smtp.example, port: 465, starttls: false, username: vcmon, password_env: SMTP_PW,\n"
                + "        from: vcmon@daitu.example, to: [a@daitu.example, b@daitu.example], degraded: true }\n"
                + "  alertmanager: [{ url: http://127.0.0.1:9093, resend_interval: 5m, min_severity: info }]\n"
                + "meetings:\n"
                + "  - { name: Giao ban huyện, start: \"2020-08-20 08:00\" }\n"
                + "  - { name: Giao ban tuần, weekly: { day: monday, time: \"07:30\" }, rooms: [cat-ne], lead: 1h }\n",
            Map.of("HOOK_AUTH", "Bearer s3cret", "BOT", "123:abc", "SMTP_PW", "pw-pw-pw"));
    AgentConfig.Alerts a = c.alerts();
    assertThat(a.language()).isEqualTo("en");
    assertThat(a.digestWindow()).isEqualTo(Duration.ofSeconds(30));
    assertThat(a.digestMinSites()).isEqualTo(5);
    assertThat(a.degradedAfter()).isEqualTo(Duration.ofMinutes(15));
    assertThat(a.reminderInterval()).isEqualTo(Duration.ofHours(1));
    AgentConfig.Webhook hook = a.webhooks().get(0);
    assertThat(hook.headers()).containsOnlyKeys("X-Source", "Authorization");
    assertThat(hook.headers().get("Authorization").reveal()).isEqualTo("Bearer s3cret");
    assertThat(hook.headers().get("X-Source").reveal()).isEqualTo("vcmon");
    assertThat(hook.minSeverity()).isEqualTo("info");
    assertThat(hook.degraded()).isTrue();
    assertThat(a.telegram().get(0).chatId()).isEqualTo("@daitu_it");
    assertThat(a.telegram().get(0).apiBase()).isEqualTo("http://127.0.0.1:8081");
    assertThat(a.telegram().get(0).minSeverity()).isEqualTo("critical");
    AgentConfig.Email mail = a.email().get(0);
    assertThat(mail.port()).isEqualTo(465);
    assertThat(mail.starttls()).isFalse();
    assertThat(mail.username()).isEqualTo("vcmon");
    assertThat(mail.password().reveal()).isEqualTo("pw-pw-pw");
    assertThat(mail.to()).containsExactly("a@daitu.example", "b@daitu.example");
    assertThat(mail.degraded()).isTrue();
    assertThat(a.alertmanager().get(0).resendInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.meetings())
        .containsExactly(
            new AgentConfig.Meeting(
                "Giao ban huyện", Instant.parse("2020-08-20T01:00:00Z"), null, null, List.of(), Duration.ofMinutes(30)),
            new AgentConfig.Meeting(
                "Giao ban tuần", null, DayOfWeek.MONDAY, LocalTime.of(7, 30), List.of("cat-ne"), Duration.ofHours(1)));
  }

  @Test
  void zaloDefaults(@TempDir Path dir) throws Exception {
    AgentConfig c =
        load(
            dir,
            "alerts:\n"
                + "  zalo_bot: [{ bot_token_env: ZALO_BOT, chat_id: \"a1b2c3.d4\" }]\n"
                + "  zalo_oa:\n"
                + "    - { app_id: 1234567890123456789, secret_key_env: ZALO_SECRET, refresh_token_env: ZALO_REFRESH,\n"
                + "        user_ids: [\"2468458835296197922\", 84912345678] }\n",
            Map.of("ZALO_BOT", "1234:bot-s3cret", "ZALO_SECRET", "app-s3cret", "ZALO_REFRESH", "refresh-s3cret"));
    assertThat(c.alerts().zaloBot())
        .containsExactly(
            new AgentConfig.ZaloBot(
                Secret.of("1234:bot-s3cret"), "a1b2c3.d4", "https://bot-api.zaloplatforms.com", "warning", false));
    assertThat(c.alerts().zaloOa())
        .containsExactly(
            new AgentConfig.ZaloOa(
                "1234567890123456789",
                Secret.of("app-s3cret"),
                Secret.of("refresh-s3cret"),
                List.of("2468458835296197922", "84912345678"),
                "https://openapi.zalo.me",
                "https://oauth.zaloapp.com",
                "warning",
                false));
    assertThat(c.alerts().zaloOa().get(0).toString()).doesNotContain("s3cret");
    assertThat(c.alerts().zaloBot().get(0).toString()).doesNotContain("s3cret");
  }

  @Test
  void zaloEverythingSet(@TempDir Path dir) throws Exception {
    AgentConfig c =
        load(
            dir,
            "alerts:\n"
                + "  zalo_bot:\n"
                + "    - { bot_token_env: ZALO_BOT, chat_id: g1, api_base: \"http://127.0.0.1:8082/\", min_severity: critical }\n"
                + "    - { bot_token_env: ZALO_BOT, chat_id: g2, degraded: true }\n"
                + "  zalo_oa:\n"
                + "    - app_id: \"42\"\n"
                + "      secret_key_env: ZALO_SECRET\n"
                + "      refresh_token_env: ZALO_REFRESH\n"
                + "      user_ids: [\"7\"]\n"
                + "      api_base: http://127.0.0.1:8083\n"
                + "      oauth_base: http://127.0.0.1:8084/\n"
                + "      min_severity: info\n"
                + "      degraded: true\n",
            Map.of("ZALO_BOT", "b", "ZALO_SECRET", "s", "ZALO_REFRESH", "r"));
    AgentConfig.Alerts a = c.alerts();
    assertThat(a.zaloBot()).extracting(AgentConfig.ZaloBot::chatId).containsExactly("g1", "g2");
    assertThat(a.zaloBot().get(0).apiBase()).isEqualTo("http://127.0.0.1:8082");
    assertThat(a.zaloBot().get(0).minSeverity()).isEqualTo("critical");
    assertThat(a.zaloBot().get(1).degraded()).isTrue();
    AgentConfig.ZaloOa oa = a.zaloOa().get(0);
    assertThat(oa.apiBase()).isEqualTo("http://127.0.0.1:8083");
    assertThat(oa.oauthBase()).isEqualTo("http://127.0.0.1:8084");
    assertThat(oa.minSeverity()).isEqualTo("info");
    assertThat(oa.degraded()).isTrue();
  }

  @Test
  void zaloProblemsNameFieldAndFixWithoutSecrets(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    "alerts:\n"
                        + "  zalo_oa:\n"
                        + "    - { app_id: \"42\", secret_key_env: ZALO_SECRET, refresh_token_env: NOT_SET, user_ids: [],"
                        + " api_base: \"openapi.zalo.me\" }\n",
                    Map.of("ZALO_SECRET", "app-s3cret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("vcmon.yaml: 3 problems")
        .hasMessageContaining(
            "alerts.zalo_oa[0].refresh_token_env (line 3): environment variable is not set, got \"NOT_SET\""
                + " (export NOT_SET=... before starting vcmon)")
        .hasMessageContaining("alerts.zalo_oa[0].user_ids (line 3): is empty")
        .hasMessageContaining(
            "alerts.zalo_oa[0].api_base (line 3): must be an http:// or https:// URL with a host,"
                + " got \"openapi.zalo.me\" (e.g. https://openapi.zalo.me)")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void secretsAreNeverEchoed(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                load(
                    dir,
                    "alerts:\n  webhooks: [{ url: http://127.0.0.1:1/h, headers: { Authorization: Bearer-inline-s3cret },"
                        + " headers_env: { authorization: HOOK_AUTH } }]\n",
                    Map.of("HOOK_AUTH", "from-env-s3cret")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("header set twice")
        .hasMessageNotContaining("s3cret");
  }
}
