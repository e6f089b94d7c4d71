package dev.baton.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The container image Jib builds from platform-api, as its layout shows it (layers and configuration). */
class ContainerImageIT {

    @Test
    void runsThePlatformAsANonRootUserOnPort8080() throws Exception {
        ImageLayout image = ImageLayout.unpacked();
        List<String> entrypoint = new ArrayList<>();
        image.config.get("Entrypoint").forEach(part -> entrypoint.add(part.asString()));

        assertThat(entrypoint).containsExactly("java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
                "-cp", "@/app/jib-classpath-file", "dev.baton.platform.BatonApplication");
        assertThat(image.config.get("User").asString()).isEqualTo("65532:65532");
        assertThat(image.config.get("WorkingDir").asString()).isEqualTo("/var/lib/baton");
        assertThat(image.config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(image.config.at("/Labels/org.opencontainers.image.title").asString()).isEqualTo("Baton");
        assertThat(image.repoTag()).isEqualTo("baton:0.1.0-SNAPSHOT");
    }

    @Test
    void layersHoldTheApplicationAndAWorkingDirectoryTheUserMayWrite() throws Exception {
        ImageLayout image = ImageLayout.unpacked();

        // dependencies, the platform's own modules, resources and classes in separate layers: a code change
        // replaces only the small ones
        assertThat(image.layerEntries).anyMatch(e -> e.matches(".* app/libs/spring-core-[0-9.]+\\.jar$"));
        assertThat(image.layerEntries).anyMatch(e -> e.matches(".* app/libs/baton-engine-[0-9.]+-SNAPSHOT\\.jar$"));
        assertThat(image.layerEntries).anyMatch(e -> e.endsWith(" app/resources/application.yaml"));
        assertThat(image.layerEntries)
                .anyMatch(e -> e.endsWith(" app/classes/dev/baton/platform/BatonApplication.class"));
        assertThat(image.layerEntries).anyMatch(e -> e.startsWith("drwxrwxrwx ") && e.endsWith(" var/lib/baton/"));
        assertThat(image.inRoot("/app/jib-classpath-file")).content()
                .startsWith("/app/resources:/app/classes:/app/libs/");
    }
}
