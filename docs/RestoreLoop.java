import io.cairn.core.checkpoint.CheckpointRepository;
import io.cairn.core.checkpoint.Manifest;
import io.cairn.core.model.Model;
import io.cairn.core.model.Sequential;
import io.cairn.core.store.CheckpointStores;
import org.tensorflow.SavedModelBundle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Restores the newest checkpoint of a repository N times into a model in memory, alternating with
 * {@code SavedModelBundle.load} of the same checkpoint exported as a SavedModel, and prints the medians.
 * Run from the repository root after {@code bin/cairn} has built the trainer (see docs/profile.sh):
 *
 * <pre>
 * java -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "trainer/target/cairn-trainer-0.1.0-SNAPSHOT.jar:trainer/target/lib/*" \
 *     docs/RestoreLoop.java REPOSITORY ROUNDS 1000,4096,4096,1000
 * </pre>
 */
public class RestoreLoop
{
    public static void main(String[] args) throws Exception
    {
        Path root = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int[] sizes = java.util.Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        try (CheckpointRepository repository = CheckpointRepository.open(CheckpointStores.discover().open(root.toUri().toString()))) {
            List<Manifest> all = repository.checkpoints();
            Manifest manifest = all.get(all.size() - 1);
            Path export = Files.createTempDirectory("rl-export").resolve("m");
            repository.exportSavedModel(manifest, export);
            List<Double> cairn = new ArrayList<>();
            List<Double> tf = new ArrayList<>();
            try (Model model = Sequential.mlp(sizes).seed(3).build()) {
                model.initialize();
                for (int round = -2; round < rounds; round++) {
                    long start = System.nanoTime();
                    repository.restore(manifest, model);
                    double c = (System.nanoTime() - start) / 1e6;
                    start = System.nanoTime();
                    try (SavedModelBundle bundle = SavedModelBundle.load(export.toString(), "serve")) {
                    }
                    double t = (System.nanoTime() - start) / 1e6;
                    if (round >= 0) {
                        cairn.add(c);
                        tf.add(t);
                    }
                }
            }
            Collections.sort(cairn);
            Collections.sort(tf);
            System.out.printf("cairn restore median %.1f ms (%.1f-%.1f); SavedModelBundle.load median %.1f ms (%.1f-%.1f); ratio %.2f%n",
                    cairn.get(rounds / 2), cairn.get(0), cairn.get(rounds - 1), tf.get(rounds / 2), tf.get(0), tf.get(rounds - 1), cairn.get(rounds / 2) / tf.get(rounds / 2));
        }
    }
}
