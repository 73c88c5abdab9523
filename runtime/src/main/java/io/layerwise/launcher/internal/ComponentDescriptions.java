package io.layerwise.launcher.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.Bundle;

/**
 * Felix SCR's parsed component descriptions, kept from one start for the next (docs/performance.md, "Start: SCR's
 * component descriptions read once"). SCR keeps them itself when {@code ds.cache.metadata} is on: at its stop it
 * writes them into its data area, keyed by bundle id and last-modified time, and at its start it parses the XML only
 * of bundles without a matching entry. A start here has a fresh storage, though: SCR's data area is empty, and every
 * bundle's last-modified time is the moment of its install. So the launcher
 * <ol>
 * <li>{@link #pin pins} each distribution bundle's last-modified time to its jar's (Felix has no API for that: the
 *     field of its bundle archive, reached by reflection; where that fails, there is no cache, as before),</li>
 * <li>{@link #seed seeds} SCR's data area with the file an earlier start stored in the distribution's {@code cds/},
 *     if every bundle that file was written for is the same jar (location, size, time) at the same id, and</li>
 * <li>{@link #keep keeps} SCR's file after the framework stopped, when it differs from the seed: whole or not at
 *     all, moved over the old one.</li>
 * </ol>
 * A bundle changed since is described afresh by SCR itself, which compares the time. The file is
 * {@code int version, UTF scrVersion, int n, n x (long id, UTF location, long size, long lastModified),
 * int length, SCR's bytes}.
 */
public final class ComponentDescriptions {

    static final String FILE = "scr-components.bin";
    /** SCR's file in its data area (org.apache.felix.scr.impl.Activator). */
    static final String SCR_FILE = "componentMetadataStore";
    private static final int VERSION = 1;

    /** One pinned bundle: the jar behind the id. */
    record Jar(long id, String location, long size, long lastModified) {
    }

    private final Path file;
    private final List<Jar> pinned = new ArrayList<>();
    private String scrVersion;
    private Path scrFile;
    private byte[] seeded;
    private Method getArchive;

    ComponentDescriptions(Path file) {
        this.file = file;
    }

    /** The cache in {@code dir} (the distribution's {@code cds/}, which each build recreates). */
    public static ComponentDescriptions in(Path dir) {
        return new ComponentDescriptions(dir.resolve(FILE));
    }

    /**
     * Sets each bundle's last-modified time to its jar's ({@code bundles.get(i)} installed from {@code jars.get(i)}).
     * False, and nothing cached in this start, where Felix's archive cannot be reached. Only the time in memory: the
     * storage is this process's alone and deleted at its end, and Felix's own setter rewrote each bundle's info file
     * (0.25 ms a bundle).
     */
    public boolean pin(List<Bundle> bundles, List<Path> jars) {
        try {
            Field lastModified = null;
            List<Jar> done = new ArrayList<>();
            for (int i = 0; i < bundles.size(); i++) {
                Bundle bundle = bundles.get(i);
                Object archive = archiveOf(bundle);
                if (lastModified == null) {
                    lastModified = archive.getClass().getDeclaredField("m_lastModified");
                    lastModified.setAccessible(true);
                }
                long time = Files.getLastModifiedTime(jars.get(i)).toMillis();
                synchronized (archive) { // the archive's accessors are synchronized
                    lastModified.setLong(archive, time);
                }
                done.add(new Jar(bundle.getBundleId(), bundle.getLocation(), Files.size(jars.get(i)), time));
            }
            pinned.clear();
            pinned.addAll(done);
            return true;
        } catch (ReflectiveOperationException | IOException | RuntimeException e) {
            pinned.clear();
            return false;
        }
    }

    /**
     * Puts the stored descriptions into {@code scr}'s data area, if they were written by this SCR for these very jars
     * at these ids; remembers where SCR keeps them either way, for {@link #keep}. Call after {@link #pin}, before
     * {@code scr} starts.
     */
    public void seed(Bundle scr) {
        if (pinned.isEmpty() || scr == null) {
            return;
        }
        try {
            Object archive = archiveOf(scr);
            scrFile = ((File) archive.getClass().getMethod("getDataFile", String.class).invoke(archive, SCR_FILE))
                    .toPath();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return;
        }
        scrVersion = scr.getVersion().toString();
        Optional<byte[]> stored = read();
        if (stored.isEmpty()) {
            return;
        }
        try {
            Files.createDirectories(scrFile.getParent());
            Files.write(scrFile, stored.get());
            seeded = stored.get();
        } catch (IOException e) {
            // SCR parses every description, as without a cache
        }
    }

    /**
     * After the framework stopped: stores SCR's descriptions for the next start when they differ from the seed. A
     * distribution that cannot be written to only loses the shortcut.
     */
    public void keep() {
        if (scrFile == null || !Files.isRegularFile(scrFile)) {
            return;
        }
        try {
            byte[] scrBytes = Files.readAllBytes(scrFile);
            if (Arrays.equals(scrBytes, seeded)) {
                return;
            }
            CacheFiles.replace(file, stream -> {
                DataOutputStream out = new DataOutputStream(stream);
                out.writeInt(VERSION);
                out.writeUTF(scrVersion);
                out.writeInt(pinned.size());
                for (Jar jar : pinned) {
                    out.writeLong(jar.id());
                    out.writeUTF(jar.location());
                    out.writeLong(jar.size());
                    out.writeLong(jar.lastModified());
                }
                out.writeInt(scrBytes.length);
                out.write(scrBytes);
                out.flush();
            });
            seeded = scrBytes;
        } catch (IOException e) {
            // a distribution that cannot be written to: the next start parses, as without a cache
        }
    }

    /** Felix's bundle archive behind {@code bundle} (its package-private {@code BundleImpl.getArchive}). */
    private Object archiveOf(Bundle bundle) throws ReflectiveOperationException {
        if (getArchive == null) {
            getArchive = bundle.getClass().getDeclaredMethod("getArchive");
            getArchive.setAccessible(true);
        }
        return getArchive.invoke(bundle);
    }

    /** A record's own equals: its first call costs a start milliseconds of method-handle set-up. */
    private static boolean same(Jar a, Jar b) {
        return b != null && a.id() == b.id() && a.size() == b.size() && a.lastModified() == b.lastModified()
                && a.location().equals(b.location());
    }

    /** SCR's bytes from the stored file, if it was written by this SCR version for the jars pinned now. */
    Optional<byte[]> read() {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Map<Long, Jar> now = new HashMap<>();
        pinned.forEach(jar -> now.put(jar.id(), jar));
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            if (in.readInt() != VERSION || !in.readUTF().equals(scrVersion)) {
                return Optional.empty();
            }
            int n = in.readInt();
            if (n != now.size()) {
                return Optional.empty();
            }
            for (int i = 0; i < n; i++) {
                Jar jar = new Jar(in.readLong(), in.readUTF(), in.readLong(), in.readLong());
                if (!same(jar, now.get(jar.id()))) {
                    return Optional.empty();
                }
            }
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                return Optional.empty();
            }
            byte[] scrBytes = in.readNBytes(length);
            return in.available() == 0 ? Optional.of(scrBytes) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable or cut short: SCR parses, and this start stores it again
        }
    }
}
