package io.cairn.examples;

import io.cairn.examples.customstore.CustomStoreExample;
import io.cairn.examples.guiceapp.GuiceApp;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one example by name: {@code bin/cairn example --list}, {@code bin/cairn example NAME [store-uri]}.
 */
public final class Examples
{
    private Examples() {}

    private interface Main
    {
        void run(String[] args)
                throws Exception;
    }

    private record Example(String description, Main main) {}

    private static final Map<String, Example> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("full-saves", new Example("a custom loop saving the full model (a SavedModel) every 50 steps, in the background", PeriodicFullSaves::main));
        EXAMPLES.put("weight-saves", new Example("weights-only saves, restored into a fresh model that then predicts as the trained one", WeightSaves::main));
        EXAMPLES.put("callback-saves", new Example("a save callback inside fit, every 50 steps", StepCheckpointCallback::main));
        EXAMPLES.put("continual-learning", new Example("a trainer saves weights each round; a serving replica refreshes from them", ContinualLearning::main));
        EXAMPLES.put("resume", new Example("a run stopped mid-epoch and resumed ends bit-identical to an uninterrupted one", ResumeAfterInterruption::main));
        EXAMPLES.put("fine-tune", new Example("run B fine-tunes run A's model with a frozen layer; its saves add only what changed", FineTune::main));
        EXAMPLES.put("guice-app", new Example("an application wired with Cairn's Guice modules: injected checkpointing, its own callback and store provider", GuiceApp::main));
        EXAMPLES.put("custom-store", new Example("a store of one's own (xor:, on ForwardingCheckpointStore) found by its URI scheme: saves and a restore through it", CustomStoreExample::main));
    }

    public static void main(String[] args)
            throws Exception
    {
        if (args.length == 0 || args[0].equals("--list") || args[0].equals("--help")) {
            System.out.println("Examples (bin/cairn example NAME [store-uri]):");
            EXAMPLES.forEach((name, example) -> System.out.printf("  %-20s %s%n", name, example.description()));
            return;
        }
        Example example = EXAMPLES.get(args[0]);
        if (example == null) {
            System.err.println("cairn example: no example '" + args[0] + "'; bin/cairn example --list shows them");
            System.exit(2);
        }
        example.main().run(Arrays.copyOfRange(args, 1, args.length));
    }
}
