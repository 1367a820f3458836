package org.daitu.vcmon.probe;

/**
 * A check cut short because its probe was stopped under it: the probe was closed (the agent is
 * stopping) or its program was stopped by the service manager (fping killed by SIGTERM together
 * with the agent). Unlike an unavailable probe, this says nothing about the site nor about
 * pinging: the check gets no verdict at all, and the site keeps its state.
 */
public final class ProbeStoppedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProbeStoppedException(String message) {
    super(message, null, false, false);
  }
}
