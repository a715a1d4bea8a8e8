package io.cairn.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cairn.core.checkpoint.Manifest;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON documents of DESIGN.md ("JSON shapes"): scripts and tests parse them, so they are stable.
 */
final class Json
{
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static void print(PrintStream out, Object document)
    {
        try {
            out.println(MAPPER.writeValueAsString(document));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One checkpoint as {@code ls --json} lists it.
     */
    static Map<String, Object> summary(Manifest manifest)
    {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", manifest.run());
        json.put("step", manifest.step());
        json.put("epoch", manifest.epoch());
        json.put("kind", manifest.kind().name());
        json.put("createdAt", manifest.createdAt());
        json.put("bytes", manifest.bytes());
        json.put("metrics", manifest.metrics());
        return json;
    }

    /**
     * One checkpoint as {@code inspect --json} shows it: the summary plus files, variables and trainer
     * state.
     */
    static Map<String, Object> details(Manifest manifest)
    {
        Map<String, Object> json = summary(manifest);
        json.put("model", manifest.model());
        json.put("chunkSize", manifest.chunkSize());
        json.put("files", manifest.files());
        json.put("variables", manifest.variables());
        json.put("trainerState", manifest.trainerState());
        return json;
    }
}
