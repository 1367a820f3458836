package org.daitu.vcmon.output.web;

/**
 * A client mistake or refusal (400, 401, 404, 409, ...), thrown by any route and answered as JSON
 * {@code {"error": message}} with its status by {@link WebVerticle}'s failure handler. The message
 * is for the caller: it says what was wrong and how to write it right, and never holds a secret.
 */
final class ApiError extends RuntimeException {
  final int status;

  ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }
}
