package io.layerwise.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.layerwise.api.data.FloatMatrix;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowsFileTest {

    /** The format the engine's SparkTraining writes: magic, range, rows, columns, big-endian float32 row by row. */
    static Path write(Path file, FloatMatrix m, String range) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeUTF(RowsFile.MAGIC);
            out.writeUTF(range);
            out.writeInt(m.rows());
            out.writeInt(m.cols());
            for (float v : m.data()) {
                out.writeFloat(v);
            }
        }
        return file;
    }

    @Test
    void anExecutorsShardReadFromTheFileIsTheShardTheDriverWouldCut(@TempDir Path dir) throws IOException {
        float[] v = new float[7 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f - 3;
        }
        FloatMatrix m = new FloatMatrix(7, 3, v);
        Path file = write(dir.resolve("train.rows"), m, "real");
        for (int workers = 1; workers <= 3; workers++) {
            List<Shard> cut = Shard.split(m, workers);
            int rows = 0;
            for (int w = 0; w < workers; w++) {
                Shard read = RowsFile.shard(file, w, workers);
                assertEquals(cut.get(w).rows(), read.rows(), "workers " + workers + ", shard " + w);
                assertEquals(3, read.cols());
                assertArrayEquals(cut.get(w).data(), read.data(), "workers " + workers + ", shard " + w);
                rows += read.rows();
            }
            assertEquals(7, rows);
        }
    }

    @Test
    void aTruncatedFileOrTooFewRowsIsNamed(@TempDir Path dir) throws IOException {
        Path file = write(dir.resolve("train.rows"), new FloatMatrix(2, 3, new float[6]), "unit");
        IOException few = assertThrows(IOException.class, () -> RowsFile.shard(file, 0, 3));
        assertTrue(few.getMessage().contains("train.rows") && few.getMessage().contains("2 rows for 3 workers"),
                few.getMessage());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        IOException cut = assertThrows(IOException.class, () -> RowsFile.shard(file, 1, 2));
        assertTrue(cut.getMessage().contains("ends early"), cut.getMessage());
    }
}
