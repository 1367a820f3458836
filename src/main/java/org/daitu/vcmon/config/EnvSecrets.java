package org.daitu.vcmon.config;

import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Secrets named by {@code *_env} keys, taken from the environment: the one way every binder reads
 * a community, a password or a token, so the rules and their wording are the same everywhere. The
 * value never appears in a problem; the variable's name does.
 */
final class EnvSecrets {
  /** What a shell accepts as a variable name. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final YamlFile yaml;
  private final Map<String, String> env;

  EnvSecrets(YamlFile yaml, Map<String, String> env) {
    this.yaml = yaml;
    this.env = Map.copyOf(env);
  }

  /**
   * The value of the variable {@code var} that the key at {@code path} names.
   *
   * @param example a variable name to show when {@code var} is not a valid name
   * @param exportValue what the hint suggests exporting, e.g. {@code ...}
   * @return the secret, or null after reporting a bad name, an unset or an empty variable
   */
  Secret secret(String path, Node at, String var, String example, String exportValue) {
    if (!NAME.matcher(var).matches()) {
      yaml.problem(
          path, at, "must be the name of an environment variable", var,
          "letters, digits and _, e.g. " + example);
      return null;
    }
    String value = env.get(var);
    if (value == null || value.isEmpty()) {
      yaml.problem(
          path, at,
          value == null ? "environment variable is not set" : "environment variable is empty",
          var, "export " + var + "=" + exportValue + " before starting vcmon");
      return null;
    }
    return Secret.of(value);
  }
}
