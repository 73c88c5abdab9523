package io.layerwise.shell.internal;

import io.layerwise.api.config.Configured;
import io.layerwise.api.config.Setting;
import io.layerwise.api.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code layerwise:config}: the settings in force of every component configured through Configuration Admin, with
 * where each came from, the file each PID was read from, and what its last reading rejected or ignored.
 */
@Component(service = ConfigCommand.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = {
    "osgi.command.scope=layerwise",
    "osgi.command.function=config"
})
public final class ConfigCommand {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    final List<Configured> configured = new CopyOnWriteArrayList<>();

    @Descriptor("the settings in force (engine, backend, data sources) and where each came from: default, file or"
            + " framework property; files are <home>/config/PID.cfg.json")
    public String config() {
        List<Settings> all = configured.stream().map(Configured::settings)
                .sorted(Comparator.comparing(Settings::pid)).toList();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Table t = new Table("PID", "Key", "Value", "From");
        for (Settings s : all) {
            for (Setting v : s.values()) {
                t.row(s.pid(), v.key(), v.value(), v.from());
            }
        }
        t.print(out);
        for (Settings s : all) {
            out.println(s.pid() + ": " + (s.file() == null ? "no file; defaults and framework properties" : s.file()));
        }
        all.forEach(s -> s.problems().forEach(out::println));
        return bytes.toString(StandardCharsets.UTF_8).stripTrailing();
    }
}
