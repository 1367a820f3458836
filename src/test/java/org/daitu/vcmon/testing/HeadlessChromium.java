package org.daitu.vcmon.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium through Debian's chromedriver, headless: nothing is downloaded. Requires both
 * (skipped without them, failed under CI) and gives a driver with a profile in {@code dir}.
 */
public final class HeadlessChromium {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  /** Skips (or fails under CI) the calling test when chromium or chromedriver is missing. */
  public static void require() {
    HostTools.require(CHROMIUM);
    HostTools.require(CHROMEDRIVER);
  }

  /** A 1280×900 headless browser whose profile lives under {@code dir}. */
  public static ChromeDriver start(Path dir) throws IOException {
    require();
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900",
        // A full-page capture grows the view to the whole page; without scrollbars the layout
        // width stays the same before and during it.
        "--hide-scrollbars",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
    // The console's messages (a failed request among them) can be read with logs().get("browser").
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    return new ChromeDriver(service, options);
  }
}
