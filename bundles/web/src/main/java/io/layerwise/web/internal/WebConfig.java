package io.layerwise.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Layerwise web view", description = "The live web view: whether it serves, where, and"
        + " whether it may control jobs. Read-only and on 127.0.0.1 unless set otherwise.")
public @interface WebConfig {
    String PID = "io.layerwise.web";

    @AttributeDefinition(name = "Enabled", description = "Serve the view; runtime/layerwise web and layerwise:web"
            + " turn it on for one session (framework property layerwise.web.enabled).")
    boolean enabled() default false;

    @AttributeDefinition(name = "Host", description = "Address to listen on. Anything but a loopback address"
            + " exposes the runs to the network and is warned about in the log.")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "Port", description = "TCP port; 0: any free port (layerwise:web shows it). 0 to 65535.")
    int port() default 8765;

    @AttributeDefinition(name = "Control", description = "Offer POST /api/control/jobs/{id}/cancel, each request"
            + " carrying the token that layerwise:web prints. false: no control endpoint exists.")
    boolean control() default false;

    @AttributeDefinition(name = "Runs folder", description = "The folder whose run directories the view shows;"
            + " relative to the working directory. Keep it equal to runsDir of io.layerwise.engine.")
    String runsDir() default "runs";
}
