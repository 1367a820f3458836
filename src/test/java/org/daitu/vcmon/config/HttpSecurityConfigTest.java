package org.daitu.vcmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.daitu.vcmon.testing.SelfSignedCert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.cors} and {@code http.tls} that load, and TLS files that are wrong in ways only real PEM files show. */
class HttpSecurityConfigTest {
  @TempDir Path dir;
  SelfSignedCert cert;

  @BeforeEach
  void certificate() throws Exception {
    SelfSignedCert.requireAvailable();
    cert = SelfSignedCert.create(dir, "server");
  }

  private AgentConfig.Http load(String http) throws Exception {
    return ConfigLoader.load(write(http), Map.of()).http();
  }

  private Path write(String http) throws Exception {
    Path file = dir.resolve("vcmon.yaml");
    Files.writeString(file, "http: " + http + "\nsites:\n  - { id: ha-thuong, name: Hà Thượng, type: xã, address: 127.0.0.1 }\n");
    return file;
  }

  private List<String> problems(String http) throws Exception {
    Path file = write(http);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
    assertThat(e).isNotNull();
    return e.problems().stream().map(ConfigProblem::render).toList();
  }

  @Test
  void withoutCorsOrTlsBothAreOff() throws Exception {
    AgentConfig.Http http = load("{ port: 0 }");
    assertThat(http.corsOrigins()).isEmpty();
    assertThat(http.tls()).isNull();
  }

  @Test
  void corsOriginsAreKeptLowerCaseAndOnce() throws Exception {
    AgentConfig.Http http =
        load("{ cors: { allowed_origins: [ \"https://Grafana.example.vn\", \"http://127.0.0.1:3000\", \"https://grafana.example.vn\" ] } }");
    assertThat(http.corsOrigins()).containsExactly("https://grafana.example.vn", "http://127.0.0.1:3000");
  }

  @Test
  void aCertificateWithItsKeyLoadsRelativeToTheConfigFile() throws Exception {
    AgentConfig.Http http = load("{ tls: { cert_file: server-cert.pem, key_file: server-key.pem } }");
    assertThat(http.tls()).isEqualTo(new AgentConfig.Tls(cert.certFile(), cert.keyFile()));
  }

  @Test
  void aKeyOfAnotherCertificateIsAProblemNamingTheFile() throws Exception {
    SelfSignedCert.create(dir, "other");
    assertThat(problems("{ tls: { cert_file: server-cert.pem, key_file: other-key.pem } }"))
        .containsExactly(
            "http.tls.key_file (line 1): the key does not belong to the certificate in http.tls.cert_file, got \""
                + dir.resolve("other-key.pem") + "\" (give the key the certificate was made with)");
  }

  @Test
  void anEncryptedKeyIsAProblemWithTheFix() throws Exception {
    cert.encryptedKey(dir.resolve("locked-key.pem"));
    assertThat(problems("{ tls: { cert_file: server-cert.pem, key_file: locked-key.pem } }"))
        .singleElement()
        .asString()
        .startsWith("http.tls.key_file (line 1): the key is encrypted with a pass phrase")
        .contains("openssl pkey");
  }

  @Test
  void certificateAndKeySwappedAreBothProblems() throws Exception {
    assertThat(problems("{ tls: { cert_file: server-key.pem, key_file: server-cert.pem } }"))
        .satisfiesExactly(
            p -> assertThat(p).startsWith("http.tls.cert_file (line 1): holds no valid PEM certificate"),
            p -> assertThat(p).startsWith("http.tls.key_file (line 1): holds no PEM private key"));
  }

  @Test
  void anUnreadableKeyIsAProblemWithTheFix() throws Exception {
    assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads every file");
    Files.setPosixFilePermissions(cert.keyFile(), java.util.Set.of());
    assertThat(problems("{ tls: { cert_file: server-cert.pem, key_file: server-key.pem } }"))
        .singleElement().asString().contains("permission denied");
  }
}
