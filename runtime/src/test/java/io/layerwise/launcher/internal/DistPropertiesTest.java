package io.layerwise.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DistPropertiesTest {

    @Test
    void knownNamesAreReplacedAndUnknownOnesKept() {
        Map<String, String> vars = Map.of("layerwise.dist", "/d", "user.home", "/h");
        assertEquals("/d/deploy,/h/x ${nope}", DistProperties.substitute("${layerwise.dist}/deploy,${user.home}/x ${nope}", vars::get));
    }
}
