package io.pico.runtime.it;

import java.io.BufferedReader;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small client of the W3C WebDriver protocol (JSON over HTTP) driving Debian's headless Chromium through
 * chromedriver: what the browser test needs (open a page, find, click, read, run a script, screenshot) and no
 * more, with the JDK's HTTP client and a JSON reader of its own instead of Selenium.
 */
final class WebDriver implements AutoCloseable {

    /** The key of an element reference in WebDriver's JSON. */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String session;
    private final Path profile;

    /** The browser (-Dpico.chromium, else where Debian installs it), or null when it is not there. */
    static Path chromium() {
        return firstExecutable(System.getProperty("pico.chromium"), "/usr/bin/chromium", "/usr/lib/chromium/chromium");
    }

    /** The driver (-Dpico.chromedriver, else where Debian installs it), or null when it is not there. */
    static Path chromedriver() {
        return firstExecutable(System.getProperty("pico.chromedriver"), "/usr/bin/chromedriver",
                "/usr/lib/chromium/chromedriver");
    }

    /** The first path given (the property's, when set, alone), if it is executable. */
    private static Path firstExecutable(String property, String... paths) {
        if (property != null) {
            return Files.isExecutable(Path.of(property)) ? Path.of(property) : null;
        }
        for (String p : paths) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    /**
     * Starts chromedriver on a free loopback port (its log in logs/chromedriver.log) and a headless Chromium
     * session with a new, empty profile in work.
     */
    WebDriver(Path chromedriver, Path chromium, Path work, Path logs) throws Exception {
        profile = Files.createTempDirectory(work, "chromium-profile-");
        Path log = logs.resolve("chromedriver.log");
        driver = new ProcessBuilder(chromedriver.toString(), "--port=0", "--allowed-ips=127.0.0.1",
                "--log-path=" + log).redirectErrorStream(true).start();
        driver.getOutputStream().close();
        BufferedReader lines = new BufferedReader(new InputStreamReader(driver.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = lines.readLine()) != null;) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("started successfully on port (\\d+)")
                            .matcher(line);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String p;
        try {
            p = port.get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            p = null;
        }
        if (p == null) {
            driver.destroyForcibly();
            throw new IllegalStateException("chromedriver did not start; its log: " + log);
        }
        // the rest of its output is not needed, but must not fill the pipe
        Thread drain = new Thread(() -> {
            try {
                lines.transferTo(java.io.Writer.nullWriter());
            } catch (IOException e) {
                // gone
            }
        }, "chromedriver-output");
        drain.setDaemon(true);
        drain.start();
        base = "http://127.0.0.1:" + p;

        // as root (CI) Chromium needs --no-sandbox; the other switches keep it off the network and quick to start
        List<Object> args = List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("binary", chromium.toString());
        options.put("args", args);
        Map<String, Object> always = new LinkedHashMap<>();
        always.put("browserName", "chrome");
        always.put("goog:chromeOptions", options);
        Map<String, Object> value;
        try {
            value = map(call("POST", "/session", Map.of("capabilities", Map.of("alwaysMatch", always))));
        } catch (RuntimeException e) {
            driver.destroyForcibly();
            throw e;
        }
        session = (String) value.get("sessionId");
    }

    /** Opens a URL and waits until the page has loaded. */
    void open(String url) throws Exception {
        call("POST", path("/url"), Map.of("url", url));
    }

    /** The first element matching a CSS selector, or null. */
    String find(String css) throws Exception {
        List<?> found = (List<?>) call("POST", path("/elements"), Map.of("using", "css selector", "value", css));
        return found.isEmpty() ? null : (String) map(found.get(0)).get(ELEMENT);
    }

    /** Clicks an element as a user would (scrolls it into view, fails when something covers it). */
    void click(String element) throws Exception {
        call("POST", path("/element/" + element + "/click"), Map.of());
    }

    /** The rendered text of the page's element matching the selector, or null when there is none. */
    String text(String css) throws Exception {
        String e = find(css);
        return e == null ? null : (String) call("GET", path("/element/" + e + "/text"), null);
    }

    /** Runs a script in the page and returns its result (strings, numbers, booleans, lists, maps). */
    Object script(String script, Object... args) throws Exception {
        return call("POST", path("/execute/sync"), Map.of("script", script, "args", List.of(args)));
    }

    /** Saves a PNG screenshot of the window. */
    void screenshot(Path png) throws Exception {
        Files.write(png, Base64.getMimeDecoder().decode((String) call("GET", path("/screenshot"), null)));
    }

    private String path(String command) {
        return "/session/" + session + command;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
            }
        } catch (Exception e) {
            // the driver goes anyway
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                driver.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One WebDriver command: its "value", or an exception with WebDriver's error and message. */
    private Object call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json; charset=utf-8");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(Json.write(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        Object parsed = Json.read(response.body());
        Object value = parsed instanceof Map<?, ?> m ? m.get("value") : null;
        if (response.statusCode() != 200) {
            Map<String, Object> error = value instanceof Map ? map(value) : Map.of();
            throw new IllegalStateException("WebDriver " + method + " " + path + ": HTTP " + response.statusCode()
                    + " " + error.get("error") + ": " + error.get("message"));
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** JSON as WebDriver speaks it: objects, arrays, strings, numbers, booleans, null. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object read(String text) {
            Json j = new Json(text);
            j.space();
            Object value = j.value();
            j.space();
            if (j.i != text.length()) {
                throw new IllegalArgumentException("trailing text in JSON at " + j.i);
            }
            return value;
        }

        static String write(Object value) {
            if (value == null) {
                return "null";
            } else if (value instanceof String str) {
                StringBuilder sb = new StringBuilder("\"");
                for (char c : str.toCharArray()) {
                    if (c == '"' || c == '\\') {
                        sb.append('\\').append(c);
                    } else if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
                return sb.append('"').toString();
            } else if (value instanceof Map<?, ?> m) {
                List<String> parts = new ArrayList<>();
                m.forEach((k, v) -> parts.add(write(String.valueOf(k)) + ":" + write(v)));
                return "{" + String.join(",", parts) + "}";
            } else if (value instanceof List<?> l) {
                List<String> parts = new ArrayList<>();
                l.forEach(v -> parts.add(write(v)));
                return "[" + String.join(",", parts) + "]";
            }
            return String.valueOf(value); // numbers, booleans
        }

        private Object value() {
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    Map<String, Object> m = new LinkedHashMap<>();
                    i++;
                    space();
                    if (s.charAt(i) == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        space();
                        String key = string();
                        space();
                        expect(':');
                        space();
                        m.put(key, value());
                        space();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[': {
                    List<Object> l = new ArrayList<>();
                    i++;
                    space();
                    if (s.charAt(i) == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        space();
                        l.add(value());
                        space();
                        if (s.charAt(i) == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"':
                    return string();
                case 't':
                    return word("true", Boolean.TRUE);
                case 'f':
                    return word("false", Boolean.FALSE);
                case 'n':
                    return word("null", null);
                default: {
                    int start = i;
                    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                        i++;
                    }
                    if (start == i) {
                        throw new IllegalArgumentException("bad JSON at " + i + ": " + s);
                    }
                    return Double.parseDouble(s.substring(start, i));
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> sb.append(e);
                }
            }
        }

        private Object word(String w, Object value) {
            if (!s.startsWith(w, i)) {
                throw new IllegalArgumentException("bad JSON at " + i);
            }
            i += w.length();
            return value;
        }

        private void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i + " in JSON");
            }
            i++;
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
