package io.layerwise.itest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium driven over the DevTools protocol: a WebSocket of java.net.http, JSON commands with ids, one
 * page attached in flat mode. Just what the web view's tests need (navigate, evaluate, screenshot); no Selenium.
 */
final class Chromium implements AutoCloseable {
    private final Process process;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final String session;

    /** The browser binary: Debian's chromium (.ci/run installs it), or LAYERWISE_CHROMIUM. */
    static Path binary() {
        String set = System.getenv("LAYERWISE_CHROMIUM");
        for (String c : set != null ? List.of(set) : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    Chromium(Path profile) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--headless=new", "--disable-gpu",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-dev-shm-usage",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=1280,1000", "about:blank"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add(1, "--no-sandbox"); // Chromium refuses to run as root with its sandbox
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile())
                .start();
        // Chromium writes the port it chose and the browser's WebSocket path into this file once it listens
        Path active = profile.resolve("DevToolsActivePort");
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(active) || Files.readAllLines(active).size() < 2) {
            if (System.currentTimeMillis() > deadline || !process.isAlive()) {
                throw new IllegalStateException("chromium did not open its DevTools port; see " + profile.resolveSibling("chromium.log"));
            }
            Thread.sleep(50);
        }
        List<String> lines = Files.readAllLines(active);
        URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
        socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
        String target = call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").getAsString();
        session = call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId").getAsString();
        call("Page.enable", Map.of());
    }

    JsonObject call(String method, Map<String, Object> params) throws Exception {
        return call(session, method, params);
    }

    private JsonObject call(String sessionId, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        JsonObject msg = new JsonObject();
        msg.addProperty("id", id);
        msg.addProperty("method", method);
        msg.add("params", Json.GSON.toJsonTree(params));
        if (sessionId != null) {
            msg.addProperty("sessionId", sessionId);
        }
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(msg.toString(), true).get(10, TimeUnit.SECONDS);
        JsonObject reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IllegalStateException(method + ": " + reply.get("error"));
        }
        return reply.getAsJsonObject("result");
    }

    void open(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression in the page (JSON-able values only). */
    JsonElement eval(String expression) throws Exception {
        JsonObject r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + r.get("exceptionDetails"));
        }
        JsonObject result = r.getAsJsonObject("result");
        return result.has("value") ? result.get("value") : null;
    }

    /** Polls {@code expression} until it is true; fails naming it (and what {@code shown} says then) after the time. */
    void await(String expression, long millis, String shown) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            JsonElement v = eval(expression);
            if (v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean() && v.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not true within " + millis + " ms: " + expression + "; page: " + eval(shown));
    }

    void screenshot(Path png) throws Exception {
        String data = call("Page.captureScreenshot", Map.of("format", "png")).get("data").getAsString();
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode(data));
    }

    @Override
    public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser goes anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonObject msg = JsonParser.parseString(text.toString()).getAsJsonObject();
                text.setLength(0);
                if (msg.has("id")) {
                    CompletableFuture<JsonObject> f = pending.remove(msg.get("id").getAsInt());
                    if (f != null) {
                        f.complete(msg);
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    /** Gson for the commands' parameters. */
    private static final class Json {
        static final com.google.gson.Gson GSON = new com.google.gson.Gson();
    }
}
