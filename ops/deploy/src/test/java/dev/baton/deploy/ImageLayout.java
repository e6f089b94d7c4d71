package dev.baton.deploy;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The platform's container image as Jib lays it out (platform-api/target/image-layout.tar: the real image's
 * layers and configuration on an empty base), unpacked once into a root directory so a test can run what the
 * container would run, with the host's JDK standing in for the base image's.
 */
final class ImageLayout {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ImageLayout unpacked;

    final Path root;
    final JsonNode manifest;
    final JsonNode config;
    final List<String> layerEntries;

    private ImageLayout(Path root, JsonNode manifest, JsonNode config, List<String> layerEntries) {
        this.root = root;
        this.manifest = manifest;
        this.config = config;
        this.layerEntries = layerEntries;
    }

    /** The name and tag the build gives the image. */
    String repoTag() {
        return manifest.get("RepoTags").get(0).asString();
    }

    /** The image layout the build wrote, unpacked (once per test JVM). */
    static synchronized ImageLayout unpacked() throws IOException, InterruptedException {
        if (unpacked == null) {
            String tar = System.getProperty("baton.it.image-layout");
            if (tar == null || !Files.isRegularFile(Path.of(tar))) {
                throw new IllegalStateException("baton.it.image-layout must name the image layout that platform-api's "
                        + "package phase writes (got " + tar + "); build the platform first (./mvnw package)");
            }
            Path archive = Files.createTempDirectory("baton-image-");
            run("tar", "-xf", tar, "-C", archive.toString());
            JsonNode manifest = JSON.readTree(archive.resolve("manifest.json").toFile()).get(0);
            Path root = Files.createDirectories(archive.resolve("rootfs"));
            List<String> entries = new ArrayList<>();
            for (JsonNode layer : manifest.get("Layers")) {
                Path file = archive.resolve(layer.asString());
                run("tar", "-xzf", file.toString(), "-C", root.toString());
                entries.addAll(run("tar", "-tzvf", file.toString()));
            }
            JsonNode config = JSON.readTree(archive.resolve(manifest.get("Config").asString()).toFile()).get("config");
            unpacked = new ImageLayout(root, manifest, config, List.copyOf(entries));
        }
        return unpacked;
    }

    /**
     * The image's entrypoint as a host command: the JDK running these tests for the base image's {@code java}, and
     * the image's paths under the unpacked root; {@code extraJvmFlags} stand in for the container's limits.
     */
    List<String> hostCommand(String... extraJvmFlags) throws IOException {
        List<String> command = new ArrayList<>();
        List<String> entrypoint = new ArrayList<>();
        config.get("Entrypoint").forEach(part -> entrypoint.add(part.asString()));
        if (!entrypoint.getFirst().equals("java")) {
            throw new IllegalStateException("the image's entrypoint does not start java: " + entrypoint);
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(extraJvmFlags));
        for (String part : entrypoint.subList(1, entrypoint.size())) {
            if (part.startsWith("@/")) {
                // a JVM argument file of image paths (the class path): the same paths under the root
                Path inImage = inRoot(part.substring(1));
                Path onHost = inImage.resolveSibling(inImage.getFileName() + ".host");
                Files.writeString(onHost, Files.readString(inImage).replace("/app/", root + "/app/"));
                command.add("@" + onHost);
            } else {
                command.add(part);
            }
        }
        return command;
    }

    Path inRoot(String imagePath) {
        return root.resolve(imagePath.substring(1));
    }

    /**
     * Starts the image's entrypoint on the host with exactly {@code env} (plus PATH and HOME), in {@code volume}:
     * the directory a deployment mounts at the image's working directory.
     */
    Process start(Map<String, String> env, Path volume, Path log, String... extraJvmFlags) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(hostCommand(extraJvmFlags)).directory(volume.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        String home = environment.get("HOME");
        environment.clear();
        environment.put("PATH", path);
        environment.put("HOME", home);
        environment.putAll(env);
        return builder.start();
    }

    private static List<String> run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(process.getInputStream().readAllBytes()).lines()
                .filter(line -> !line.startsWith("tar: Ignoring unknown extended header")).toList();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + String.join("\n", lines));
        }
        return lines;
    }
}
