package io.layerwise.web.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.layerwise.api.backend.Backend;
import io.layerwise.api.data.DataSource;
import io.layerwise.api.regularizer.Regularizer;
import io.layerwise.api.stage.StageProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * What the platform page shows, read from the service registry on each request: the plug-ins with the bundle and
 * version that registered them, and the backend. A page polling it sees a deployed, updated or removed bundle at
 * its next poll.
 */
final class PlatformInfo {
    private final BundleContext context;
    private volatile double gemm = Double.NaN;
    private volatile boolean measuring;

    PlatformInfo(BundleContext context) {
        this.context = context;
    }

    JsonObject snapshot(Backend backend) {
        JsonObject o = new JsonObject();
        o.add("stageTypes", plugins(StageProvider.class.getName(), StageProvider.TYPE, StageProvider.TYPE));
        // the property types' keys first, then the keys bundles built before them register under
        o.add("regularizers", plugins(Regularizer.class.getName(), Regularizer.TYPE, Regularizer.NAME));
        o.add("dataSources", plugins(DataSource.class.getName(), DataSource.TYPE, DataSource.NAME));
        o.add("backend", backend == null ? null : backend(backend));
        return o;
    }

    private JsonObject backend(Backend b) {
        JsonObject o = new JsonObject();
        o.addProperty("flavour", b.flavour());
        o.addProperty("ompThreads", b.ompThreads());
        o.addProperty("blasThreads", b.blasThreads());
        o.addProperty("openblasCoretype", b.openblasCoretype());
        measureOnce(b);
        Json.number(o, "gemmGflops", gemm);
        o.addProperty("gemmShape", "256x256x256, float32, median of 0.3 s");
        return o;
    }

    /** The GEMM rate is measured once, off the request thread, the first time the page asks: 0.3 s of one core set. */
    private void measureOnce(Backend b) {
        synchronized (this) {
            if (measuring) {
                return;
            }
            measuring = true;
        }
        Thread t = new Thread(() -> gemm = b.gemmSelfTest(256, 0.3), "layerwise-web-gemm");
        t.setDaemon(true);
        t.start();
    }

    private JsonArray plugins(String service, String property, String legacy) {
        List<JsonObject> rows = new ArrayList<>();
        ServiceReference<?>[] refs;
        try {
            refs = context.getAllServiceReferences(service, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Bundle bundle = ref.getBundle();
            if (bundle == null) {
                continue; // unregistered while we looked
            }
            JsonObject o = new JsonObject();
            Object name = ref.getProperty(property) != null ? ref.getProperty(property) : ref.getProperty(legacy);
            o.addProperty("name", String.valueOf(name));
            o.addProperty("bundle", bundle.getSymbolicName());
            o.addProperty("version", bundle.getVersion().toString());
            o.addProperty("bundleId", bundle.getBundleId());
            rows.add(o);
        }
        rows.sort(Comparator.comparing((JsonObject o) -> o.get("name").getAsString())
                .thenComparing(o -> o.get("bundle").getAsString()));
        return Json.array(rows);
    }
}
