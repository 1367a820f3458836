package org.daitu.vcmon;

public final class Main {
  public static void main(String[] args) {}
}
