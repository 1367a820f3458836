package org.daitu.vcmon.probe;

/**
 * One row of IF-MIB: index, name and the admin/oper status codes (1 up, 2 down, 3 testing,
 * 4 unknown, 5 dormant, 6 notPresent, 7 lowerLayerDown).
 */
public record InterfaceStatus(int index, String name, int adminStatus, int operStatus) {

  /** Administratively up but not operating: a cable or port problem worth reporting. */
  public boolean isFaulty() {
    return adminStatus == 1 && (operStatus == 2 || operStatus == 7);
  }
}
