package dev.baton.engine.api;

/**
 * Caps on what one definition or execution may make the engine do ({@code baton.engine.limits.*}), so that no
 * tenant can hold the engine, a transaction or the stack with one request.
 *
 * @param tasksPerDefinition most tasks in one workflow definition, counting nested ones
 * @param definitionsPerCall most definitions registered or changed in one call
 * @param dynamicForkFanOut most branches one FORK_JOIN_DYNAMIC may start
 * @param loopIterations most iterations of one DO_WHILE
 * @param nestingDepth most levels of workflows starting workflows (SUB_WORKFLOW, START_WORKFLOW)
 * @param descriptionLength most characters in a definition's description
 */
public record EngineLimits(int tasksPerDefinition, int definitionsPerCall, int dynamicForkFanOut,
        int loopIterations, int nestingDepth, int descriptionLength) {}
