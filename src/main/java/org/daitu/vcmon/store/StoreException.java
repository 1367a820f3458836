package org.daitu.vcmon.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The history store cannot be used: its message names the file, what went wrong and what to do
 * about it, so that an operator can fix it from the start-up error alone.
 */
public final class StoreException extends IOException {
  private final Path path;

  public StoreException(Path path, String problem, String fix, Throwable cause) {
    super("history store " + path + ": " + problem + "; " + fix, cause);
    this.path = path;
  }

  public Path path() {
    return path;
  }
}
