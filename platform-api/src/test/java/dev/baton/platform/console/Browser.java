package dev.baton.platform.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through its own chromedriver (nothing is downloaded), with the few moves the
 * console's journeys need and a screenshot of each page they look at.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private final ChromeDriver driver;
    private final String base;

    Browser(String base) {
        assertThat(CHROMIUM).as("Debian's chromium (apt-get install -y chromium chromium-driver; .ci/run does it)")
                .exists();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver").exists();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--window-size=1280,1000", "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        this.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        this.base = base;
    }

    void open(String path) {
        driver.get(base + path);
    }

    String url() {
        return driver.getCurrentUrl();
    }

    String heading() {
        return driver.findElement(By.tagName("h1")).getText();
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    boolean has(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    void type(String css, String text) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(text);
    }

    /** Replaces a text area's whole value (typing JSON key by key would fight the page's own handlers). */
    void fill(String css, String text) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1];"
                + "arguments[0].dispatchEvent(new Event('input'));", find(css), text);
    }

    void choose(String css, String visibleText) {
        new Select(find(css)).selectByVisibleText(visibleText);
    }

    void chooseValue(String css, String value) {
        new Select(find(css)).selectByValue(value);
    }

    /** Clicks {@code css}; when that leaves the page (a link, a submit button), waits for the next one. */
    void click(String css) {
        clickAndFollow(find(css));
    }

    /** Clicks the button or link whose text is {@code text}, as {@link #click} does. */
    void press(String text) {
        clickAndFollow(driver.findElement(By.xpath("//*[(self::button or self::a) and normalize-space()='" + text
                + "']")));
    }

    private void clickAndFollow(WebElement target) {
        boolean leaves = target.getTagName().equals("a") || (target.getTagName().equals("button")
                && !"button".equals(target.getDomAttribute("type")));
        WebElement page = driver.findElement(By.tagName("html"));
        target.click();
        if (leaves) {
            // the old page is gone once its root cannot be asked anything; Chromium says so with a stale-element
            // error or, while the new document replaces it, with an "unknown error" about the node
            new WebDriverWait(driver, Duration.ofSeconds(15)).withMessage("the next page").until(d -> {
                try {
                    page.getTagName();
                    return false;
                } catch (WebDriverException gone) {
                    return true;
                }
            });
        }
    }

    boolean shows(String text) {
        return !driver.findElements(By.xpath("//*[(self::button or self::a) and normalize-space()='" + text + "']"))
                .isEmpty();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    /**
     * Posts a form from the current page as a crafted request would, bypassing its controls: with the page's CSRF
     * token or without it. Returns the answer's status.
     */
    int post(String path, String form, boolean withCsrfToken) {
        Object status = asyncScript("var done = arguments[arguments.length - 1];"
                + "var body = arguments[1];"
                + "if (arguments[2]) { body = '_csrf=' + encodeURIComponent("
                + "document.querySelector('meta[name=_csrf]').content) + (body ? '&' + body : ''); }"
                + "fetch(arguments[0], {method: 'POST', headers: {'Content-Type': "
                + "'application/x-www-form-urlencoded'}, body: body}).then(function (r) { done(r.status); });",
                path, form, withCsrfToken);
        return ((Number) status).intValue();
    }

    /** Waits (at most {@code seconds}) until {@code condition} holds, reloading nothing itself. */
    void waitUntil(int seconds, String what, Supplier<Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(seconds)).withMessage(what).until(d -> condition.get());
    }

    /** Saves the whole page, not only what the window shows, as {@code target/console-screenshots/name.png}. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            long height = ((Number) script("return Math.max(document.documentElement.scrollHeight, 600)")).longValue();
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height",
                    Math.min(height, 4000), "deviceScaleFactor", 1, "mobile", false));
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the page fits the window's width without scrolling sideways (tables scroll inside themselves). */
    boolean fitsWidth(int width) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", 800,
                "deviceScaleFactor", 1, "mobile", true));
        try {
            return ((Number) script("return document.documentElement.scrollWidth")).intValue() <= width;
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    void forgetCookies() {
        driver.manage().deleteAllCookies();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
