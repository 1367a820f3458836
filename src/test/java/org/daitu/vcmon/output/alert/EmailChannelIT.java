package org.daitu.vcmon.output.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.daitu.vcmon.testing.Await.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.daitu.vcmon.config.AgentConfig;
import org.daitu.vcmon.testing.HostTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The e-mail channel against a real SMTP server: Debian's aiosmtpd on loopback, saving what it
 * receives to a maildir, with STARTTLS on a throwaway self-signed certificate. Authentication is
 * not covered here (aiosmtpd's command line has no way to set up accounts).
 */
class EmailChannelIT {
  static final String PYTHON = "/usr/bin/python3";
  static final Instant AT = Instant.parse("2020-08-12T00:42:10Z");

  @TempDir Path dir;
  Vertx vertx;
  final List<Process> servers = new ArrayList<>();
  final List<EmailChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    HostTools.require(Path.of(PYTHON));
    HostTools.requireInstalled(
        run(PYTHON, "-c", "import aiosmtpd") == 0, "the Python module aiosmtpd", "python3-aiosmtpd");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    for (EmailChannel c : channels) {
      await(c.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    for (Process p : servers) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  static int run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  /** Starts aiosmtpd on a free loopback port, saving mail to {@code maildir}; returns the port. */
  int smtpd(Path maildir, Path cert, Path key) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    List<String> argv = new ArrayList<>(List.of(PYTHON, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + port));
    if (cert != null) {
      argv.addAll(List.of("--tlscert", cert.toString(), "--tlskey", key.toString()));
    }
    argv.addAll(List.of("-c", "aiosmtpd.handlers.Mailbox", maildir.toString()));
    Path log = dir.resolve("smtpd-" + port + ".log");
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    servers.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      if (!p.isAlive()) {
        fail("aiosmtpd exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return port;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          fail("aiosmtpd not listening within 20s:\n" + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
  }

  List<JsonObject> mails(Path maildir) throws Exception {
    Path script = dir.resolve("maildir_dump.py");
    try (var in = getClass().getResourceAsStream("/smtp/maildir_dump.py")) {
      Files.write(script, in.readAllBytes());
    }
    Process p = new ProcessBuilder(PYTHON, script.toString(), maildir.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("maildir_dump.py: " + err).isZero();
    List<JsonObject> result = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        result.add(new JsonObject(line));
      }
    }
    return result;
  }

  EmailChannel channel(int port, boolean starttls, PemTrustOptions trust) {
    EmailChannel c =
        new EmailChannel(
            "email-1",
            vertx,
            new AgentConfig.Email(
                "127.0.0.1", port, starttls, null, null, "vcmon@daitu.example",
                List.of("it@daitu.example", "truc-ban@daitu.example"), "info", false),
            Duration.ofSeconds(10),
            trust);
    channels.add(c);
    return c;
  }

  static Notification vietnamese() {
    return new Notification(
        "site:ha-thuong:DOWN",
        Notification.Kind.SITE,
        Notification.Severity.CRITICAL,
        false,
        AT,
        "Xã Hà Thượng mất kết nối phòng họp trực tuyến",
        "Điểm cầu Hà Thượng không phản hồi từ 07:42.\nLý do: không trả lời ping (5/5 gói mất).",
        List.of(new Notification.SiteLine("ha-thuong", "Hà Thượng", "DOWN", "UP", AT, "no ping")));
  }

  @Test
  void aVietnameseMailArrivesIntactOverStarttls() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    HostTools.require("openssl");
    int made =
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", key.toString(), "-out", cert.toString(),
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
    assumeTrue(made == 0, "openssl could not make a self-signed certificate; skipping the STARTTLS test");
    Path maildir = dir.resolve("tls-mail");
    int port = smtpd(maildir, cert, key);

    // aiosmtpd requires STARTTLS before MAIL here, so a delivery proves the upgrade happened.
    await(channel(port, true, new PemTrustOptions().addCertPath(cert.toString())).send(vietnamese()));

    List<JsonObject> mails = mails(maildir);
    assertThat(mails).hasSize(1);
    JsonObject mail = mails.get(0);
    assertThat(mail.getString("subject")).isEqualTo("Xã Hà Thượng mất kết nối phòng họp trực tuyến");
    assertThat(mail.getString("from")).isEqualTo("vcmon@daitu.example");
    assertThat(mail.getString("to")).contains("it@daitu.example", "truc-ban@daitu.example");
    assertThat(mail.getString("content_type")).isEqualTo("text/plain");
    assertThat(mail.getString("charset")).isEqualToIgnoringCase("utf-8");
    assertThat(mail.getString("body").replace("\r\n", "\n").strip())
        .isEqualTo("Điểm cầu Hà Thượng không phản hồi từ 07:42.\nLý do: không trả lời ping (5/5 gói mất).");
  }

  @Test
  void aPlainServerGetsTheMailWhenStarttlsIsOff() throws Exception {
    Path maildir = dir.resolve("plain-mail");
    int port = smtpd(maildir, null, null);
    await(channel(port, false, null).send(vietnamese()));
    assertThat(mails(maildir)).singleElement()
        .satisfies(m -> assertThat(m.getString("subject")).startsWith("Xã Hà Thượng"));
  }

  @Test
  void starttlsRequiredRefusesAServerWithoutIt() throws Exception {
    Path maildir = dir.resolve("refused-mail");
    int port = smtpd(maildir, null, null);
    assertThatThrownBy(() -> await(channel(port, true, null).send(vietnamese())))
        .isInstanceOf(DeliveryException.class)
        .hasMessageStartingWith("email-1: SMTP 127.0.0.1:" + port + " did not take the mail: ");
    assertThat(Files.exists(maildir.resolve("new")) ? mails(maildir) : List.of()).isEmpty();
  }
}
