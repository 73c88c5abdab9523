package io.layerwise.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerwise.launcher.Platform;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web view of the assembled distribution in a real framework, read through headless Chromium's rendered DOM
 * (the DevTools protocol, {@link Chromium}) and through plain HTTP for the security rules. Screenshots of the pages
 * go to {@code -Dlayerwise.web.screenshots=DIR} when set (docs/pictures/ holds the committed ones).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class WebViewIT {
    static final String PIPELINE = """
            {"name": "webview", "seed": 3, "data": {"source": "mnist", "limit": 2000, "testLimit": 500},
             "stages": [{"type": "dae", "hidden": 64, "noise": {"kind": "mask", "level": 0.3},
                         "train": {"epochs": 60, "batch": 20, "optimizer": {"kind": "sgd", "lr": 0.1}}}]}
            """;
    /** Many short epochs: the job outlasts a few of the page's once-a-second polls even on a quiet machine. */
    static final int EPOCHS = 60;

    Path work;
    Path config;
    Platform platform;
    String url;
    Chromium browser;
    final HttpClient http = HttpClient.newHttpClient();
    String jobId;
    final String run = "webview-run";

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        work = dir;
        config = Files.createDirectories(work.resolve("config"));
        Path deploy = Files.createDirectories(work.resolve("deploy"));
        String sample = System.getProperty("layerwise.sample");
        Path data = sample != null && Files.isDirectory(Path.of(sample)) ? Path.of(sample)
                : SyntheticMnist.write(work.resolve("data"), 4000, 500);
        // port 0: any free port, so that no other framework on this machine is in the way
        platform = Platform.start(PlatformIT.DIST, Map.of("layerwise.cwd", work.toString(), "layerwise.data.dir",
                data.toString(), "felix.fileinstall.dir", deploy + "," + config, "layerwise.web.enabled", "true",
                "layerwise.web.port", "0"));
        url = awaitUrl();
    }

    @AfterAll
    void stop() throws IOException {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            platform.stop();
        }
    }

    /** The URL {@code layerwise:web} prints once Jetty listens. */
    String awaitUrl() throws InterruptedException {
        Pattern p = Pattern.compile("web view: (http://\\S+)");
        long deadline = System.currentTimeMillis() + 20_000;
        String out = "";
        while (System.currentTimeMillis() < deadline) {
            out = Shell.exec(platform, "layerwise:web").out();
            Matcher m = p.matcher(out);
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("layerwise:web printed no URL: " + out);
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("X-Layerwise-Token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void itListensOnLoopbackOnlyByDefault() throws Exception {
        URI u = URI.create(url);
        assertTrue(InetAddress.getByName(u.getHost()).isLoopbackAddress(), url);
        assertEquals(200, get("api/jobs").statusCode());
        InetAddress outside = null;
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof Inet4Address) {
                    outside = a;
                }
            }
        }
        assumeTrue(outside != null, "this machine has no non-loopback IPv4 address to try");
        InetSocketAddress there = new InetSocketAddress(outside, u.getPort());
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(there, 2000);
            }
        }, "the view answers on " + there);
    }

    @Test
    @Order(2)
    void traversalEncodedAndAbsoluteRunNamesGet404AndNoFile() throws Exception {
        Files.writeString(work.resolve("secret.png"), "SECRET-OUTSIDE-RUNS");
        Files.createDirectories(work.resolve("runs/ok-run"));
        Files.writeString(work.resolve("runs/ok-run/history.json"), "{\"pipeline\": \"x\", \"status\": \"done\"}");
        assertEquals(200, get("api/runs/ok-run").statusCode());
        for (String path : List.of("api/runs/..%2Fsecret.png", "api/runs/..%2F..%2Fetc%2Fpasswd",
                "api/runs/%2Fetc%2Fpasswd", "api/runs/%2e%2e", "api/runs/%252e%252e%252fsecret.png",
                "api/runs/ok-run/pictures/..%2F..%2Fsecret.png", "api/runs/ok-run/pictures/%2e%2e/%2e%2e/secret.png",
                "api/runs/ok-run/pictures/history.json", "api/compare?run=..&run=ok-run",
                "api/compare?run=" + work.resolve("runs/ok-run") + "&run=ok-run", "api/runs/..", "api/runs/.")) {
            HttpResponse<String> r = get(path);
            assertEquals(404, r.statusCode(), path + ": " + r.body());
            assertFalse(r.body().contains("SECRET"), path);
        }
    }

    @Test
    @Order(3)
    void theJobsPageAndARunPageAdvanceWhileTheJobRuns() throws Exception {
        assumeTrue(Chromium.binary() != null, "no chromium: apt-get install chromium (.ci/run does)");
        browser = new Chromium(Files.createDirectories(work.resolve("chromium-profile")));
        Path pipeline = PlatformIT.pipeline(work, "webview", PIPELINE);
        jobId = Jobs.start(platform, work.resolve("runs").resolve(run), pipeline);
        browser.open(url + "#/jobs");
        String epoch = "(() => { const c = document.querySelector('tr[data-job=\"" + jobId + "\"] td.epoch');"
                + " return c ? +c.dataset.epoch : -1; })()";
        browser.await(epoch + " >= 1", 60_000, "document.body.innerText");
        int first = browser.eval(epoch).getAsInt();
        browser.await(epoch + " > " + first, 60_000, "document.body.innerText");
        screenshot("web-jobs.png");

        browser.open(url + "#/run/" + run);
        String points = "(() => { const l = document.querySelector('svg[data-stage=\"1\"] polyline[data-series=\"loss\"]');"
                + " return l ? +l.dataset.points : -1; })()";
        browser.await(points + " >= 1", 60_000, "document.body.innerText");
        int shown = browser.eval(points).getAsInt();
        // the job may still be RUNNING (its end: evaluation, pictures) with every epoch shown; growth needs fewer
        assumeTrue(shown < EPOCHS, "all " + EPOCHS + " epochs were trained before the page first drew the curve");
        browser.await(points + " > " + shown, 60_000, "document.body.innerText");
    }

    @Test
    @Order(4)
    void aDeployedRegularizerAppearsOnThePlatformPageWithoutAReload() throws Exception {
        assumeTrue(browser != null, "no browser");
        browser.open(url + "#/platform");
        String row = "!!document.querySelector('tr[data-kind=\"regularizer\"][data-bundle=\"io.layerwise.regularizer-contractive\"]')";
        browser.await("!!document.querySelector('tr[data-kind=\"stage\"][data-name=\"dae\"]')", 20_000, "document.body.innerText");
        assertFalse(browser.eval(row).getAsBoolean(), "contractive is not deployed yet");
        browser.eval("window.layerwiseNotReloaded = true");
        Path jar = Path.of(System.getProperty("layerwise.contractive.jar"));
        Files.copy(jar, work.resolve("deploy").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        browser.await(row, 30_000, "document.body.innerText");
        assertTrue(browser.eval("window.layerwiseNotReloaded === true").getAsBoolean(), "the page reloaded");
        screenshot("web-platform.png");
    }

    @Test
    @Order(5)
    void aFinishedRunsPageShowsItsPicturesAndMetrics() throws Exception {
        assumeTrue(browser != null && jobId != null, "no browser");
        String end = Jobs.awaitEnd(platform, jobId, 180_000);
        assertTrue(end.contains(" DONE "), end);
        browser.open(url + "#/run/" + run);
        browser.await("document.querySelector('#status') && document.querySelector('#status').dataset.status === 'done'"
                + " && document.querySelectorAll('img.picture').length >= 2"
                + " && [...document.querySelectorAll('img.picture')].every(i => i.complete && i.naturalWidth > 0)",
                30_000, "document.body.innerText");
        assertTrue(browser.eval("[...document.querySelectorAll('img.picture')].some(i => i.alt.endsWith('filters.png'))")
                .getAsBoolean());
        assertTrue(browser.eval("document.querySelector('#metrics tr[data-stage=\"1\"]').innerText")
                .getAsString().contains("io.layerwise.model-dae"));
        screenshot("web-run.png");

        Path other = work.resolve("runs").resolve("webview-copy");
        Files.createDirectories(other);
        Files.copy(work.resolve("runs").resolve(run).resolve("history.json"), other.resolve("history.json"));
        browser.open(url + "#/compare/" + run + ",webview-copy");
        browser.await("document.querySelectorAll('#curves polyline[data-series$=\"loss\"]').length === 2"
                + " && document.querySelectorAll('#metrics tr').length === 3", 20_000, "document.body.innerText");
        screenshot("web-compare.png");
    }

    @Test
    @Order(6)
    void controlIsAbsentUnlessEnabledAndThenRefusesARequestWithoutTheToken() throws Exception {
        assertEquals(404, post("api/control/jobs/1/cancel", null).statusCode());
        assertEquals(405, post("api/jobs", null).statusCode(), "the JSON endpoints are read-only");
        Files.writeString(config.resolve("io.layerwise.web.cfg.json"), "{\"control\": true}");
        Pattern p = Pattern.compile("control token \\(header X-Layerwise-Token\\): ([0-9a-f]{32})");
        String token = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (token == null && System.currentTimeMillis() < deadline) {
            Matcher m = p.matcher(Shell.exec(platform, "layerwise:web").out());
            token = m.find() ? m.group(1) : null;
            Thread.sleep(200);
        }
        assertNotNull(token, "layerwise:web printed no token after control was enabled");
        url = awaitUrl();
        assertEquals(403, post("api/control/jobs/1/cancel", null).statusCode());
        assertEquals(403, post("api/control/jobs/1/cancel", "0".repeat(32)).statusCode());
        assertEquals(404, post("api/control/jobs/999/cancel", token).statusCode(), "token accepted, no job 999");
    }

    void screenshot(String name) throws Exception {
        String dir = System.getProperty("layerwise.web.screenshots");
        if (dir != null && !dir.isBlank()) {
            browser.screenshot(Path.of(dir).resolve(name));
        }
    }
}
