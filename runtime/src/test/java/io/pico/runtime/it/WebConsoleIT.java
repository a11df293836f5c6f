package io.pico.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console end to end, as a person uses it: {@code ./pico shell --web 0} runs a guest in the foreground,
 * headless Chromium (Debian's chromium and chromium-driver, over the WebDriver protocol) opens the Pico page,
 * sees the guest running, clicks Swap on the linux provider (nothing to hand over), clicks the guest's Kill button
 * and sees it gone (the shell reaps it and starts the next guest, which the page then shows instead). Skipped, with a message, only where Chromium is not installed; on CI
 * ({@code CI} set) a missing Chromium fails the test, since .ci/run installs it through ./setup.
 */
class WebConsoleIT {

    private static final Path REPO = Path.of(System.getProperty("pico.repo", "..")).toAbsolutePath().normalize();
    private static final Path PICO = REPO.resolve("pico");
    /** Screenshots of the page and chromedriver's log, kept for people to look at. */
    private static final Path SHOTS = REPO.resolve("runtime/target/webconsole-it");
    private static final Pattern URL = Pattern.compile("pico: web console on (http://\\S+)");
    private static final String GUEST = "/bin/busybox sleep 30";

    @TempDir
    Path dir;

    @Test
    void thePicoPageShowsARunningGuestAndKillsIt() throws Exception {
        Path chromium = WebDriver.chromium();
        Path chromedriver = WebDriver.chromedriver();
        if (chromium == null || chromedriver == null) {
            String message = "WebConsoleIT: the browser test needs Debian's chromium and chromium-driver "
                    + "(/usr/bin/chromium, /usr/bin/chromedriver; ./setup installs them)";
            if (System.getenv("CI") != null) {
                fail(message + ", and CI must run it");
            }
            System.err.println(message + ": SKIPPED");
            Assumptions.abort(message);
        }
        Files.createDirectories(SHOTS);
        for (String old : List.of("1-running.png", "2-killed.png", "failed.png")) {
            Files.deleteIfExists(SHOTS.resolve(old));
        }

        // two guests one after the other: the shell reaps the first when it ends and then starts the second
        ProcessBuilder pb = new ProcessBuilder(PICO.toString(), "shell", "--web", "0", "-c",
                "pico:run " + GUEST + "; pico:run " + GUEST).directory(dir.toFile());
        pb.environment().put("PICO_NO_BUILD", "1");
        pb.environment().put("PICO_LOG", dir.resolve("pico.log").toString());
        Process pico = pb.start();
        pico.getOutputStream().close();
        StringBuffer err = new StringBuffer();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread errReader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(pico.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    err.append(line).append('\n');
                    Matcher m = URL.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            url.complete(null);
        }, "pico-stderr");
        errReader.setDaemon(true);
        errReader.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (var in = pico.getInputStream()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                in.transferTo(bytes);
                return bytes.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<" + e + ">";
            }
        });
        try {
            String page = url.get(60, TimeUnit.SECONDS);
            assertTrue(page != null && page.startsWith("http://127.0.0.1:") && page.endsWith("/system/console/pico"),
                    () -> "no web console address on stderr: " + err);
            checkHttp(page);

            try (WebDriver browser = new WebDriver(chromedriver, chromium, dir, SHOTS)) {
                try {
                    drive(browser, page);
                } catch (Exception | AssertionError e) {
                    // what the page showed, for the report
                    browser.screenshot(SHOTS.resolve("failed.png"));
                    throw new AssertionError(e.getMessage() + "\npage: " + browser.text("#pico") + "\nscreenshot: "
                            + SHOTS.resolve("failed.png") + "\npico's stderr: " + err, e);
                }
            }
            assertTrue(pico.waitFor(30, TimeUnit.SECONDS), () -> "the shell did not end: " + err);
            // pico:run prints each guest's status: 128 + 9, killed by SIGKILL
            assertEquals("137\n137\n", out.get(10, TimeUnit.SECONDS), () -> "stderr: " + err);
            assertEquals(0, pico.exitValue(), () -> "stderr: " + err);
        } finally {
            if (pico.isAlive()) {
                pico.destroyForcibly();
                pico.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Opens the page, waits for the guest, kills it, sees it gone; then kills the shell's second guest. */
    private static void drive(WebDriver browser, String page) throws Exception {
        // the console's default login, in the address as a person may type it
        browser.open(page.replace("http://", "http://admin:admin@"));

        String first = await("a running " + GUEST + " on the page", () -> running(browser, null));
        browser.screenshot(SHOTS.resolve("1-running.png"));
        assertTrue(browser.text("#pico-providers").contains("io.pico.provider.linux"),
                "the providers table lists the linux provider");

        // Swap: the guest already runs on linux's current provider, so the kernel has nothing to hand over
        browser.click(browser.find("#pico-providers tr[data-personality='linux'] button.pico-swap"));
        String swapped = await("the answer to the swap", () -> {
            String m = browser.text("#pico-message");
            return m != null && m.startsWith("swapped linux:") ? m : null;
        });
        assertTrue(swapped.contains(" to io.pico.provider.linux "), swapped);

        browser.click(browser.find("#pico-process-" + first + " button.pico-kill"));

        // the killed guest is gone; the shell has started the second one, and the page shows it
        String second = await("process " + first + " gone and the next guest running",
                () -> rows(browser).stream().noneMatch(r -> r.startsWith(first + "|")) ? running(browser, first)
                        : null);
        assertEquals("sent KILL to " + first, browser.text("#pico-message"));
        browser.screenshot(SHOTS.resolve("2-killed.png"));

        // the second kill ends the shell's command line, and with it the runtime and the page's server
        browser.click(browser.find("#pico-process-" + second + " button.pico-kill"));
        await("the answer to the second kill", () -> ("sent KILL to " + second).equals(browser.text("#pico-message"))
                ? "sent" : null);
    }

    /** Without the login there is no page; an action needs the page's header (a foreign page cannot send it). */
    private static void checkHttp(String page) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(page + "/data.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), "the console asks for a login");
        String login = "Basic " + Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> data = http.send(HttpRequest.newBuilder(URI.create(page + "/data.json"))
                .header("Authorization", login).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, data.statusCode());
        assertTrue(data.body().contains("\"personality\":\"linux\""), data::body);
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(page + "/kill"))
                .header("Authorization", login).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("pid=1&signal=KILL")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode(), forged::body);
    }

    /** The process rows of the page as "pid|state|command". */
    private static List<String> rows(WebDriver browser) throws Exception {
        Object rows = browser.script("return Array.from(document.querySelectorAll('#pico-processes tbody tr'))"
                + ".map(r => r.cells[0].textContent + '|' + r.getAttribute('data-state') + '|' + r.cells[8].textContent);");
        List<String> result = new ArrayList<>();
        for (Object r : (List<?>) rows) {
            result.add(String.valueOf(r));
        }
        return result;
    }

    /** The pid of a running guest row other than {@code except}, or null. */
    private static String running(WebDriver browser, String except) throws Exception {
        for (String row : rows(browser)) {
            String[] f = row.split("\\|", 3);
            if (f.length == 3 && f[1].equals("RUNNING") && f[2].equals(GUEST) && !f[0].equals(except)) {
                return f[0];
            }
        }
        return null;
    }

    /** Polls (as the page refreshes every second) until the condition gives a value, 20 s at most. */
    private static <T> T await(String what, Callable<T> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            T value = condition.call();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within 20 s: " + what);
            }
            Thread.sleep(100);
        }
    }
}
