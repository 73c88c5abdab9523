package io.layerwise.engine.internal;

import io.layerwise.api.pipeline.PipelineException;
import io.layerwise.api.spec.Spec;
import io.layerwise.api.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The top level of a pipeline file: name, seed, data section and the raw stage objects. Stage fields are
 * checked later by each stage's provider; this class checks only what the engine itself owns.
 */
final class PipelineFile {
    /** Run names become directory names: no separators, no "..", nothing a shell would mangle. */
    private static final Pattern SAFE_NAME = RunDirectory.SAFE_NAME;

    final Path file;
    final Spec root;
    final String name;
    final long seed;
    final String dataSource;
    /** The data section's fields other than {@code source}, for the data source to check. */
    final Map<String, Object> data;
    final List<Map<String, Object>> stages;
    /** The raw {@code finetune} section; null when the pipeline has none. */
    final Map<String, Object> finetune;
    /** The {@code execution} section when it names Spark; null to run here. */
    final SparkSection spark;

    private PipelineFile(Path file, Spec root, String name, long seed, String dataSource, Map<String, Object> data,
            List<Map<String, Object>> stages, Map<String, Object> finetune, SparkSection spark) {
        this.file = file;
        this.root = root;
        this.name = name;
        this.seed = seed;
        this.dataSource = dataSource;
        this.data = data;
        this.stages = stages;
        this.finetune = finetune;
        this.spark = spark;
    }

    static PipelineFile read(Path file) throws PipelineException {
        return read(file, null);
    }

    /** With {@code sparkMaster} ({@code layerwise:run --spark}; null: none), the stages train on Spark there. */
    static PipelineFile read(Path file, String sparkMaster) throws PipelineException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PipelineException(file + ": no such pipeline file");
        } catch (IOException e) {
            throw new PipelineException(file + ": cannot read: " + e.getMessage());
        }
        Map<String, Object> json;
        try {
            json = Json.parseObject(text, file);
        } catch (IOException e) {
            throw new PipelineException(e.getMessage());
        }
        try {
            return parse(file, json, sparkMaster);
        } catch (SpecException e) {
            throw new PipelineException(file + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static PipelineFile parse(Path file, Map<String, Object> json, String sparkMaster) {
        Spec root = new Spec("", json);
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        String name = root.text("name", stem);
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new SpecException("name", "must be 1-100 letters, digits, '.', '_' or '-' (it names the run directory), got \""
                    + name + "\"");
        }
        root.text("description", "");
        long seed = root.longInteger("seed", 1234);
        Object rawData = root.raw("data");
        if (!(rawData instanceof Map<?, ?> dataMap)) {
            throw new SpecException("data", rawData == null ? "is required, e.g. {\"source\": \"mnist\"}"
                    : "must be an object such as {\"source\": \"mnist\"}");
        }
        Map<String, Object> data = new LinkedHashMap<>((Map<String, Object>) dataMap);
        if (!(data.remove("source") instanceof String source)) {
            throw new SpecException("data.source", "is required: the name of a data source such as \"mnist\"");
        }
        Object rawStages = root.raw("stages");
        if (!(rawStages instanceof List<?> list) || list.isEmpty()) {
            throw new SpecException("stages", rawStages == null ? "is required: a non-empty list of stage objects"
                    : "must be a non-empty list of stage objects");
        }
        List<Map<String, Object>> stages = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new SpecException("stages[" + i + "]", "must be an object with a \"type\"");
            }
            Map<String, Object> stage = new LinkedHashMap<>((Map<String, Object>) m);
            if (!(stage.get("type") instanceof String)) {
                throw new SpecException("stages[" + i + "].type", stage.containsKey("type")
                        ? "must be a string naming a stage type" : "is required (a stage type such as \"dae\")");
            }
            stages.add(stage);
        }
        Object rawFinetune = root.raw("finetune");
        if (rawFinetune != null && !(rawFinetune instanceof Map<?, ?>)) {
            throw new SpecException("finetune", "must be an object such as {\"head\": \"softmax\", \"epochs\": 30}");
        }
        Map<String, Object> finetune = rawFinetune == null ? null : new LinkedHashMap<>((Map<String, Object>) rawFinetune);
        SparkSection spark = SparkSection.read(root, stages, finetune, sparkMaster);
        root.rejectUnknownFields();
        return new PipelineFile(file, root, name, seed, source, data, stages, finetune, spark);
    }

    /** The data section without {@code source}, as a spec for the data source. */
    Spec dataFields(Path dataDirOverride) {
        Map<String, Object> fields = new LinkedHashMap<>(data);
        if (dataDirOverride != null) {
            fields.put("dir", dataDirOverride.toString());
        }
        return new Spec("data", fields);
    }

    static String stageType(Map<String, Object> stage) {
        return (String) stage.get("type");
    }
}
