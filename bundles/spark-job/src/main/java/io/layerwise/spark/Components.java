package io.layerwise.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The plug-ins of a plain class path, found as the OSGi framework would find them: every jar's manifest names its
 * Declarative Services descriptors ({@code Service-Component: OSGI-INF/x.xml}), each of which gives the implementation
 * class, the interfaces it provides and its properties ({@code layerwise.stage.type}, ...). Components here have
 * public no-argument constructors and need no activation, so {@link #create} is {@code new} by reflection: the model
 * bundles' own code runs on Spark without a line of new model code.
 */
public final class Components {
    /** One descriptor: the implementation class, the provided interfaces, the string properties. */
    public record Descriptor(String implementation, List<String> provides, Map<String, String> properties,
            String source) {
    }

    private final List<Descriptor> descriptors;

    private Components(List<Descriptor> descriptors) {
        this.descriptors = List.copyOf(descriptors);
    }

    /** The descriptors of every jar (or classes folder) that {@code loader} sees. */
    public static Components scan(ClassLoader loader) {
        List<Descriptor> found = new ArrayList<>();
        try {
            for (URL manifestUrl : Collections.list(loader.getResources("META-INF/MANIFEST.MF"))) {
                String header;
                try (InputStream in = manifestUrl.openStream()) {
                    header = new Manifest(in).getMainAttributes().getValue("Service-Component");
                }
                if (header == null || header.isBlank()) {
                    continue;
                }
                String base = manifestUrl.toString().substring(0, manifestUrl.toString().length()
                        - "META-INF/MANIFEST.MF".length());
                for (String entry : header.split(",")) {
                    URL xml = new URL(base + entry.trim());
                    try (InputStream in = xml.openStream()) {
                        found.add(parse(in, xml.toString()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("reading the Declarative Services descriptors of the class path: " + e, e);
        }
        return new Components(found);
    }

    static Descriptor parse(InputStream in, String source) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document doc = f.newDocumentBuilder().parse(in);
            Element impl = (Element) doc.getElementsByTagNameNS("*", "implementation").item(0);
            if (impl == null) {
                impl = (Element) doc.getElementsByTagName("implementation").item(0);
            }
            if (impl == null) {
                throw new IllegalArgumentException("no <implementation>");
            }
            List<String> provides = new ArrayList<>();
            NodeList p = doc.getElementsByTagName("provide");
            for (int i = 0; i < p.getLength(); i++) {
                provides.add(((Element) p.item(i)).getAttribute("interface"));
            }
            Map<String, String> properties = new LinkedHashMap<>();
            NodeList props = doc.getElementsByTagName("property");
            for (int i = 0; i < props.getLength(); i++) {
                Element e = (Element) props.item(i);
                if (e.hasAttribute("value")) {
                    properties.put(e.getAttribute("name"), e.getAttribute("value"));
                }
            }
            return new Descriptor(impl.getAttribute("class"), provides, properties, source);
        } catch (Exception e) {
            throw new IllegalArgumentException(source + ": not a readable component descriptor: " + e.getMessage(), e);
        }
    }

    /**
     * The implementation class name of the component that provides {@code service} with {@code property = name},
     * or with the legacy property {@code legacyProperty} (null for none); null when none does.
     */
    public String find(Class<?> service, String property, String legacyProperty, String name) {
        for (Descriptor d : descriptors) {
            if (d.provides().contains(service.getName()) && (name.equals(d.properties().get(property))
                    || legacyProperty != null && name.equals(d.properties().get(legacyProperty)))) {
                return d.implementation();
            }
        }
        return null;
    }

    /** The names registered for {@code service} under {@code property}, sorted, for messages. */
    public String names(Class<?> service, String property) {
        TreeSet<String> names = new TreeSet<>();
        for (Descriptor d : descriptors) {
            if (d.provides().contains(service.getName()) && d.properties().containsKey(property)) {
                names.add(d.properties().get(property));
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /** A new instance of {@code className}, as {@code type}, from {@code loader}. */
    public static <T> T create(String className, Class<T> type, ClassLoader loader) {
        try {
            return type.cast(Class.forName(className, true, loader).getConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(className + ": cannot be created with its public no-argument constructor: "
                    + e, e);
        }
    }
}
