package io.layerwise.web.internal;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.layerwise.api.pipeline.JobStatus;

/** JSON of the view's endpoints: NaN and infinities (no JSON numbers) become null, and null is written out. */
final class Json {
    static final Gson GSON = new GsonBuilder().serializeNulls().create();

    private Json() {
    }

    static void number(JsonObject o, String key, double v) {
        if (Double.isFinite(v)) {
            o.addProperty(key, v);
        } else {
            o.add(key, null);
        }
    }

    static JsonObject job(JobStatus s) {
        JsonObject o = new JsonObject();
        o.addProperty("id", s.id());
        o.addProperty("pipeline", s.pipeline());
        // the run's name only: the page links to /api/runs/{name}, never to a path
        o.addProperty("run", s.runDir() == null ? null : s.runDir().getFileName().toString());
        o.addProperty("state", s.state().name());
        o.addProperty("stage", s.stage());
        o.addProperty("stageCount", s.stageCount());
        o.addProperty("stageType", s.stageType());
        o.addProperty("epoch", s.epoch());
        o.addProperty("epochs", s.epochs());
        o.addProperty("done", s.done());
        o.addProperty("total", s.total());
        number(o, "lastLoss", s.lastLoss());
        number(o, "meanLoss", s.meanLoss());
        number(o, "valLoss", s.valLoss());
        number(o, "etaSeconds", s.etaSeconds());
        o.addProperty("message", s.message());
        return o;
    }

    static JsonArray array(Iterable<JsonObject> items) {
        JsonArray a = new JsonArray();
        items.forEach(a::add);
        return a;
    }
}
