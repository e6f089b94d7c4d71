package dev.baton.tasks.container;

import java.util.List;
import java.util.Map;

/**
 * The CONTAINER task's input: an image run once as a Kubernetes Job through a tenant's KUBERNETES connection, with
 * its command, arguments, environment and resources ({@code cpu}, {@code memory}, as Kubernetes writes them).
 */
public record ContainerInput(String connection, String image, List<String> command, List<String> args,
        Map<String, String> env, Map<String, String> resources, Integer timeoutSeconds, Integer logTailLines) {}
