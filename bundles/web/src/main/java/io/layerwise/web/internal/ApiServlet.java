package io.layerwise.web.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.layerwise.api.backend.Backend;
import io.layerwise.api.pipeline.JobStatus;
import io.layerwise.api.pipeline.PipelineRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The read-only JSON endpoints behind the pages (docs/web.md):
 * {@code /api/jobs}, {@code /api/runs}, {@code /api/runs/NAME}, {@code /api/runs/NAME/pictures/PATH},
 * {@code /api/compare?run=A&run=B}, {@code /api/platform}. Anything else, and any run name or picture path that
 * {@link RunFolder} does not accept, is 404. GET only.
 */
final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Supplier<RunFolder> runs;
    private final transient Supplier<PipelineRunner> runner;
    private final transient Supplier<Backend> backend;
    private final transient PlatformInfo platform;

    ApiServlet(Supplier<RunFolder> runs, Supplier<PipelineRunner> runner, Supplier<Backend> backend,
            PlatformInfo platform) {
        this.runs = runs;
        this.runner = runner;
        this.backend = backend;
        this.platform = platform;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // the raw URI, not the container's decoded path: %2F stays inside one segment and fails the name pattern
        String uri = req.getRequestURI();
        String prefix = req.getContextPath() + "/api/";
        if (!uri.startsWith(prefix)) {
            resp.sendError(404);
            return;
        }
        String[] parts = uri.substring(prefix.length()).split("/", -1);
        Optional<?> answer = route(parts, req);
        if (answer.isEmpty()) {
            resp.sendError(404);
        } else if (answer.get() instanceof Path file) {
            resp.setContentType(file.toString().endsWith(".gif") ? "image/gif" : "image/png");
            resp.setHeader("Cache-Control", "no-cache");
            resp.setContentLengthLong(Files.size(file));
            Files.copy(file, resp.getOutputStream());
        } else {
            resp.setContentType("application/json");
            resp.setCharacterEncoding("UTF-8");
            resp.setHeader("Cache-Control", "no-store");
            resp.getOutputStream().write(Json.GSON.toJson((JsonElement) answer.get()).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** No POST here: 405, except for the control endpoints, which do not exist while control is off (404). */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean control = req.getRequestURI().startsWith(req.getContextPath() + "/api/control/");
        resp.sendError(control ? 404 : 405);
    }

    private Optional<?> route(String[] p, HttpServletRequest req) throws IOException {
        RunFolder folder = runs.get();
        switch (p[0]) {
            case "jobs":
                return p.length == 1 ? Optional.of(jobs()) : Optional.empty();
            case "platform":
                return p.length == 1 ? Optional.of(platform.snapshot(backend.get())) : Optional.empty();
            case "runs":
                if (p.length == 1) {
                    return Optional.of(folder.list());
                }
                if (p.length == 2) {
                    return folder.run(p[1]);
                }
                if (p.length >= 4 && p[2].equals("pictures") && p.length <= 5) {
                    return folder.picture(p[1], String.join("/", List.of(p).subList(3, p.length)));
                }
                return Optional.empty();
            case "compare":
                return p.length == 1 ? compare(folder, req.getParameterValues("run")) : Optional.empty();
            default:
                return Optional.empty();
        }
    }

    private JsonArray jobs() {
        PipelineRunner r = runner.get();
        JsonArray out = new JsonArray();
        if (r != null) {
            for (JobStatus s : r.jobs()) {
                out.add(Json.job(s));
            }
        }
        return out;
    }

    /** Every named run, or 404 when one name is unknown (no partial answer that hides a typo). */
    private static Optional<JsonObject> compare(RunFolder folder, String[] names) throws IOException {
        if (names == null || names.length == 0 || names.length > 16) {
            return Optional.empty();
        }
        JsonArray list = new JsonArray();
        for (String name : names) {
            Optional<JsonObject> run = folder.run(name);
            if (run.isEmpty()) {
                return Optional.empty();
            }
            run.get().remove("pictures");
            list.add(run.get());
        }
        JsonObject o = new JsonObject();
        o.add("runs", list);
        return Optional.of(o);
    }
}
