package org.daitu.vcmon.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.sql.SQLException;
import java.util.Locale;
import org.sqlite.SQLiteErrorCode;

/**
 * Why a write failed, when the cause is the disk or file system rather than the write: the disk is
 * full, the file or its file system went read-only, or an I/O error. Such a write is worth holding
 * and trying again; any other failure (a constraint, a bug) is not. Pure.
 *
 * @param kind what went wrong, in words for logs and {@code /readyz}
 * @param detail the error as SQLite or the OS said it
 */
public record StoreFault(Kind kind, String detail) {

  public enum Kind {
    DISK_FULL("the disk is full"),
    READ_ONLY("the file or its file system is read-only"),
    IO_ERROR("disk I/O error");

    private final String text;

    Kind(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** "the disk is full ([SQLITE_FULL] ...)". */
  public String describe() {
    return kind.text + " (" + detail + ")";
  }

  /** The fault behind {@code error} (anywhere in its causes), or null when it is not one. */
  public static StoreFault of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      Kind kind = null;
      if (t instanceof SQLException sql) {
        kind = fromSqlite(sql.getErrorCode() & 0xFF);
      } else if (t instanceof AccessDeniedException) {
        // The file or its directory lost its write permission: like read-only, it is repaired
        // outside vcmon.
        kind = Kind.READ_ONLY;
      }
      // A StoreException is vcmon's own verdict, not the OS speaking.
      boolean io = t instanceof IOException && !(t instanceof StoreException);
      if (kind == null && (t instanceof SQLException || io)) {
        kind = fromMessage(String.valueOf(t.getMessage()), io);
      }
      if (kind != null) {
        return new StoreFault(kind, String.valueOf(t.getMessage()));
      }
    }
    return null;
  }

  /** By SQLite's primary result code; extended codes (SQLITE_READONLY_DBMOVED, ...) included. */
  private static Kind fromSqlite(int primary) {
    if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
      return Kind.DISK_FULL;
    }
    if (primary == SQLiteErrorCode.SQLITE_READONLY.code) {
      return Kind.READ_ONLY;
    }
    if (primary == SQLiteErrorCode.SQLITE_IOERR.code || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code) {
      return Kind.IO_ERROR;
    }
    return null;
  }

  /** ENOSPC and EROFS as the JDK words them, for errors that carry no SQLite code. */
  private static Kind fromMessage(String message, boolean io) {
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("no space left") || m.contains("disk is full")) {
      return Kind.DISK_FULL;
    }
    if (m.contains("read-only file system") || m.contains("readonly database")) {
      return Kind.READ_ONLY;
    }
    if (io || m.contains("disk i/o error")) {
      return Kind.IO_ERROR;
    }
    return null;
  }
}
