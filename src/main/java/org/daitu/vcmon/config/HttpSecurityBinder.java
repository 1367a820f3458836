package org.daitu.vcmon.config;

import static org.daitu.vcmon.config.YamlFile.child;
import static org.daitu.vcmon.config.YamlFile.isNull;
import static org.daitu.vcmon.config.YamlFile.item;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * {@code http.cors} and {@code http.tls}: which other origins may read the API, and the PEM
 * certificate and key for HTTPS. The files are read and checked here, so a wrong path, an
 * unreadable file or a key that does not belong to the certificate stops {@code check-config}
 * rather than the server. Problems name the key and the file, never the key's content.
 */
final class HttpSecurityBinder {
  private static final Pattern ORIGIN =
      Pattern.compile("https?://([a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?");
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
  private static final long MAX_PEM_BYTES = 1024 * 1024;
  private static final String MAKE_ONE =
      "e.g. openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=vcmon"
          + " -keyout key.pem -out cert.pem";

  private final YamlFile yaml;
  private final Path baseDir;

  HttpSecurityBinder(YamlFile yaml, Path baseDir) {
    this.yaml = yaml;
    this.baseDir = baseDir;
  }

  /** The origins of {@code http.cors.allowed_origins}, lower-case; empty when CORS is off. */
  List<String> corsOrigins(Map<String, Node> http) {
    String p = child("http", "cors");
    Node cors = http.get("cors");
    if (isNull(cors)) {
      return List.of();
    }
    Map<String, Node> m = yaml.map(cors, p, ConfigKeys.children("http.cors"));
    if (m == null) {
      return List.of();
    }
    String lp = child(p, "allowed_origins");
    Node list = m.get("allowed_origins");
    if (isNull(list)) {
      yaml.problem(
          lp, list == null ? cors : list, "is required", null,
          "list the origins whose pages may read the API, e.g. [\"https://grafana.example.vn\"],"
              + " or leave http.cors out");
      return List.of();
    }
    List<Node> items = yaml.list(list, lp);
    if (items == null) {
      return List.of();
    }
    if (items.isEmpty()) {
      yaml.problem(lp, list, "is empty", null, "list at least one origin, or leave http.cors out");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String text = yaml.text(items.get(i), item(lp, i));
      if (text == null) {
        continue;
      }
      String origin = text.strip().toLowerCase(Locale.ROOT);
      if (origin.equals("*")) {
        yaml.problem(
            item(lp, i), items.get(i), "a wildcard is not allowed", text,
            "list each origin that may read the API, e.g. \"https://grafana.example.vn\"");
      } else if (!ORIGIN.matcher(origin).matches()) {
        yaml.problem(
            item(lp, i), items.get(i), "must be an origin: http or https, a host and an optional port,"
                + " nothing after them", text,
            "as a browser sends it in its Origin header, e.g. \"https://grafana.example.vn:3000\":"
                + " no path, no trailing /");
      } else if (!out.contains(origin)) {
        out.add(origin);
      }
    }
    return List.copyOf(out);
  }

  /** {@code http.tls}, its files checked; null when absent or invalid. */
  AgentConfig.Tls tls(Map<String, Node> http) {
    Node node = http.get("tls");
    if (isNull(node)) {
      return null;
    }
    String p = child("http", "tls");
    Map<String, Node> m = yaml.map(node, p, ConfigKeys.children("http.tls"));
    if (m == null) {
      return null;
    }
    Path certPath = path(m, p, "cert_file", node);
    Path keyPath = path(m, p, "key_file", node);
    String certText = certPath == null ? null : read(m.get("cert_file"), child(p, "cert_file"), certPath);
    String keyText = keyPath == null ? null : read(m.get("key_file"), child(p, "key_file"), keyPath);
    Certificate cert = certText == null ? null : certificate(m.get("cert_file"), p, certPath, certText);
    boolean keyOk = keyText != null && key(m.get("key_file"), p, keyPath, keyText, cert);
    return cert != null && keyOk ? new AgentConfig.Tls(certPath, keyPath) : null;
  }

  private Path path(Map<String, Node> m, String p, String key, Node owner) {
    String text = yaml.required(m, p, key, owner, false);
    if (text == null) {
      return null;
    }
    try {
      return baseDir.resolve(text.strip()).normalize();
    } catch (InvalidPathException e) {
      yaml.problem(child(p, key), m.get(key), "not a valid path", text, null);
      return null;
    }
  }

  private String read(Node at, String key, Path file) {
    try {
      if (Files.isDirectory(file)) {
        yaml.problem(key, at, "is a directory, not a PEM file", file.toString(), "give the file's path");
        return null;
      }
      if (Files.size(file) > MAX_PEM_BYTES) {
        yaml.problem(key, at, "is too large for a PEM file (over 1 MiB)", file.toString(), "give the PEM file's path");
        return null;
      }
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      yaml.problem(key, at, "file not found", file.toString(), "paths are relative to this config file; " + MAKE_ONE);
    } catch (AccessDeniedException e) {
      yaml.problem(key, at, "cannot be read (permission denied)", file.toString(),
          "let the user vcmon runs as read it, e.g. chgrp vcmon FILE && chmod 0640 FILE");
    } catch (IOException e) {
      yaml.problem(key, at, "cannot be read: " + e.getClass().getSimpleName(), file.toString(), null);
    }
    return null;
  }

  private Certificate certificate(Node at, String p, Path file, String text) {
    String key = child(p, "cert_file");
    Collection<? extends Certificate> certs = List.of();
    if (text.contains("-----BEGIN CERTIFICATE-----")) {
      try {
        certs = CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
      } catch (CertificateException e) {
        certs = List.of();
      }
    }
    if (certs.isEmpty()) {
      yaml.problem(key, at, "holds no valid PEM certificate", file.toString(),
          "the file must hold -----BEGIN CERTIFICATE----- blocks, the server's first; " + MAKE_ONE);
      return null;
    }
    return certs.iterator().next();
  }

  /** The key is usable, and (for a PKCS#8 key) it belongs to {@code cert} when there is one. */
  private boolean key(Node at, String p, Path file, String text, Certificate cert) {
    String key = child(p, "key_file");
    Matcher pem = PEM.matcher(text);
    String type = null;
    byte[] der = null;
    while (pem.find()) {
      if (pem.group(1).endsWith("PRIVATE KEY")) {
        type = pem.group(1);
        try {
          der = Base64.getMimeDecoder().decode(pem.group(2));
        } catch (IllegalArgumentException e) {
          der = null;
        }
        break;
      }
    }
    if (type == null) {
      yaml.problem(key, at, "holds no PEM private key", file.toString(),
          "the file must hold a -----BEGIN PRIVATE KEY----- block; " + MAKE_ONE);
      return false;
    }
    if (type.equals("ENCRYPTED PRIVATE KEY")) {
      yaml.problem(key, at, "the key is encrypted with a pass phrase", file.toString(),
          "store it unencrypted, readable only by vcmon: openssl pkey -in FILE -out key.pem");
      return false;
    }
    if (der == null || der.length == 0
        || !List.of("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY").contains(type)) {
      yaml.problem(key, at, "holds no valid PEM private key (PKCS#8, RSA or EC)", file.toString(),
          "convert it: openssl pkey -in FILE -out key.pem");
      return false;
    }
    if (!type.equals("PRIVATE KEY") || cert == null) {
      return true; // traditional RSA and EC keys are matched when the server loads them
    }
    PublicKey pub = cert.getPublicKey();
    try {
      PrivateKey priv =
          KeyFactory.getInstance(pub.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
      if (KeyMatch.belongs(priv, pub)) {
        return true;
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // Not a key of the certificate's algorithm: the same advice.
    }
    yaml.problem(key, at, "the key does not belong to the certificate in " + child(p, "cert_file"),
        file.toString(), "give the key the certificate was made with");
    return false;
  }
}
