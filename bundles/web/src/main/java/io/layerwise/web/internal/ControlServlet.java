package io.layerwise.web.internal;

import io.layerwise.api.pipeline.Job;
import io.layerwise.api.pipeline.PipelineRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * {@code POST /api/control/jobs/ID/cancel} with header {@code X-Layerwise-Token}: registered only when the view's
 * {@code control} setting is true. A request without the token, or with another, is 403 and changes nothing.
 */
final class ControlServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String TOKEN_HEADER = "X-Layerwise-Token";
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final transient Supplier<PipelineRunner> runner;
    private final byte[] token;

    ControlServlet(Supplier<PipelineRunner> runner, String token) {
        this.runner = runner;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String given = req.getHeader(TOKEN_HEADER);
        // constant time: the comparison tells nothing about how much of a guess was right
        if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            resp.sendError(403, "control needs the token that layerwise:web prints, in header " + TOKEN_HEADER);
            return;
        }
        String[] p = req.getRequestURI().substring(req.getContextPath().length()).split("/", -1);
        // "", "api", "control", "jobs", ID, "cancel"
        PipelineRunner r = runner.get();
        if (p.length != 6 || !p[3].equals("jobs") || !p[5].equals("cancel") || !JOB_ID.matcher(p[4]).matches()
                || r == null) {
            resp.sendError(404);
            return;
        }
        Optional<Job> job = r.job(p[4]);
        if (job.isEmpty()) {
            resp.sendError(404);
            return;
        }
        job.get().cancel();
        resp.setStatus(202);
    }
}
