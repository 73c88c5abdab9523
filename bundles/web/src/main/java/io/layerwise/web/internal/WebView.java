package io.layerwise.web.internal;

import io.layerwise.api.backend.Backend;
import io.layerwise.api.config.Configured;
import io.layerwise.api.config.Settings;
import io.layerwise.api.config.TypedConfig;
import io.layerwise.api.pipeline.PipelineRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.http.runtime.HttpServiceRuntime;
import org.osgi.service.http.whiteboard.HttpWhiteboardConstants;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The web view: reads {@code io.layerwise.web}, points Felix HTTP (PID {@code org.apache.felix.http}) at the host
 * and port, starts Jetty's bundle if the launcher left it stopped ({@link HttpImplementations}), and registers the
 * pages and JSON servlets on the HTTP Whiteboard while enabled. Also the shell's
 * {@code layerwise:web}, which turns the view on for this session and prints its URL (and the control token).
 */
@Designate(ocd = WebConfig.class)
@Component(service = {WebView.class, Configured.class}, immediate = true, configurationPid = WebConfig.PID, property = {
    "osgi.command.scope=layerwise", "osgi.command.function=web"})
public final class WebView implements Configured {
    static final String HTTP_PID = "org.apache.felix.http";
    /** Set by {@code runtime/layerwise web}: serve in this session whatever the file says. */
    static final String ENABLED_PROPERTY = "layerwise.web.enabled";
    /** Sets the port above the file from the first activation on (tests and scripts that need port 0). */
    static final String PORT_PROPERTY = "layerwise.web.port";

    private final TypedConfig<WebConfig> config = TypedConfig.of(WebConfig.PID, WebConfig.class,
            line -> System.err.println("layerwise: " + line))
            .range("port", 0, 65535)
            .overrides("enabled", ENABLED_PROPERTY)
            .overrides("port", PORT_PROPERTY);

    @Reference
    ConfigurationAdmin configAdmin;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile PipelineRunner runner;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Backend backend;

    private final List<ServiceReference<HttpServiceRuntime>> runtimes = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private BundleContext context;
    private PlatformInfo platform;
    private volatile RunFolder runs;
    private volatile String token;
    private boolean session;
    private boolean announced;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRuntime(ServiceReference<HttpServiceRuntime> ref) {
        synchronized (runtimes) {
            runtimes.add(ref);
        }
        announce();
    }

    void removeRuntime(ServiceReference<HttpServiceRuntime> ref) {
        synchronized (runtimes) {
            runtimes.remove(ref);
        }
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) throws IOException {
        this.context = context;
        this.platform = new PlatformInfo(context);
        apply(config.update(properties, context::getProperty));
    }

    @Modified
    void modified(Map<String, Object> properties) throws IOException {
        apply(config.update(properties, context::getProperty));
    }

    @Deactivate
    synchronized void deactivate() throws IOException {
        unregister();
        // the view is gone: Jetty stops listening rather than answer 404 on an open port
        try {
            httpSettings(false, "127.0.0.1", 0);
        } catch (IllegalStateException e) {
            // Configuration Admin went first (the framework is stopping): Jetty goes with it
        }
    }

    @Override
    public Settings settings() {
        return config.settings();
    }

    @Descriptor("start the web view for this session (if it is not on) and print its URL and, with control on, the token")
    public synchronized String web() throws IOException {
        if (!enabled(config.get())) {
            session = true;
            apply(config.get());
        }
        WebConfig c = config.get();
        // Jetty starts on Configuration Admin's thread: give it a moment, so that the URL printed is the real one
        for (int i = 0; i < 50 && url().isEmpty(); i++) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String url = url().orElse("(starting) http://" + hostForUrl(c.host()) + ":" + c.port() + "/");
        return "web view: " + url + (c.control() ? "\ncontrol token (header " + ControlServlet.TOKEN_HEADER + "): " + token
                : "\nread-only (set control in config/" + WebConfig.PID + ".cfg.json to allow cancelling jobs)");
    }

    /** The URL the HTTP runtime reports (osgi.http.endpoint), when it is up. */
    Optional<String> url() {
        synchronized (runtimes) {
            for (ServiceReference<HttpServiceRuntime> ref : runtimes) {
                Object e = ref.getProperty("osgi.http.endpoint");
                String s = e instanceof String[] a && a.length > 0 ? a[0] : e instanceof String t ? t
                        : e instanceof Collection<?> col && !col.isEmpty() ? String.valueOf(col.iterator().next())
                        : null;
                if (s != null) {
                    return Optional.of(s.endsWith("/") ? s : s + "/");
                }
            }
        }
        return Optional.empty();
    }

    private boolean enabled(WebConfig c) {
        return c.enabled() || session;
    }

    private synchronized void apply(WebConfig c) throws IOException {
        String home = context.getProperty("layerwise.cwd");
        runs = new RunFolder(Path.of(home != null ? home : System.getProperty("user.dir")).resolve(c.runsDir()));
        unregister();
        if (!enabled(c)) {
            httpSettings(false, "127.0.0.1", 0);
            return;
        }
        if (!loopback(c.host())) {
            System.err.println("layerwise: warning: " + WebConfig.PID + ": host " + c.host() + " is not a loopback address;"
                    + " the web view" + (c.control() ? " and its job control are" : " is") + " reachable from the network");
        }
        httpSettings(true, c.host(), c.port());
        HttpImplementations.startUnlessRunning(context, line -> System.err.println("layerwise: " + line));
        register(c);
        announced = false;
        announce();
    }

    private void register(WebConfig c) {
        Hashtable<String, Object> api = new Hashtable<>();
        api.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/api/*");
        api.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "layerwise-api");
        registrations.add(context.registerService(Servlet.class,
                new ApiServlet(() -> runs, () -> runner, () -> backend, platform), api));
        if (c.control()) {
            token = HexFormat.of().formatHex(random16());
            Hashtable<String, Object> control = new Hashtable<>();
            control.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/api/control/*");
            control.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "layerwise-control");
            registrations.add(context.registerService(Servlet.class, new ControlServlet(() -> runner, token), control));
        } else {
            token = null;
        }
        Hashtable<String, Object> index = new Hashtable<>();
        index.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/");
        index.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "layerwise-index");
        registrations.add(context.registerService(Servlet.class, new IndexServlet(), index));
        Hashtable<String, Object> statics = new Hashtable<>();
        statics.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PATTERN, "/static/*");
        statics.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_RESOURCE_PREFIX, "/static");
        registrations.add(context.registerService(Object.class, new Object(), statics));
    }

    private static byte[] random16() {
        byte[] b = new byte[16];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private void unregister() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException gone) {
                // the bundle is stopping: the framework unregistered it already
            }
        }
        registrations.clear();
    }

    /** Felix HTTP's own PID; written only when it changes, since each write restarts Jetty. */
    private void httpSettings(boolean enable, String host, int port) throws IOException {
        Configuration http = configAdmin.getConfiguration(HTTP_PID, "?");
        Dictionary<String, Object> old = http.getProperties();
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("org.apache.felix.http.enable", enable);
        p.put("org.apache.felix.http.host", host);
        p.put("org.osgi.service.http.port", port);
        if (old == null && !enable) {
            return; // the framework properties already keep it off
        }
        if (old != null && p.get("org.apache.felix.http.enable").equals(old.get("org.apache.felix.http.enable"))
                && host.equals(old.get("org.apache.felix.http.host"))
                && Integer.valueOf(port).equals(old.get("org.osgi.service.http.port"))) {
            return;
        }
        http.update(p);
    }

    private void announce() {
        WebConfig c = config.get();
        if (context == null || announced || !enabled(c)) {
            return;
        }
        url().ifPresent(u -> {
            announced = true;
            System.out.println("layerwise: web view at " + u);
        });
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** "/" is the page; any other path that no servlet or resource took is 404. */
    private static final class IndexServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String path = req.getRequestURI().substring(req.getContextPath().length());
            if (!path.equals("/") && !path.equals("/index.html")) {
                resp.sendError(404);
                return;
            }
            resp.setContentType("text/html");
            resp.setCharacterEncoding("UTF-8");
            try (InputStream in = WebView.class.getResourceAsStream("/static/index.html")) {
                in.transferTo(resp.getOutputStream());
            }
        }
    }
}
