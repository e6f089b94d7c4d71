package dev.baton.engine.api.definition;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A registered task type, in Conductor's JSON shape: its retry, timeout and rate settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TaskDef(
        String name,
        String description,
        Integer retryCount,
        Long timeoutSeconds,
        List<String> inputKeys,
        List<String> outputKeys,
        TimeoutPolicy timeoutPolicy,
        RetryLogic retryLogic,
        Integer retryDelaySeconds,
        Long responseTimeoutSeconds,
        Integer concurrentExecLimit,
        Map<String, Object> inputTemplate,
        Integer rateLimitPerFrequency,
        Integer rateLimitFrequencyInSeconds,
        String isolationGroupId,
        String executionNameSpace,
        String ownerApp,
        String ownerEmail,
        Long pollTimeoutSeconds,
        Integer backoffScaleFactor,
        Long createTime,
        Long updateTime,
        String createdBy,
        String updatedBy) {

    /** What happens when a task runs past its timeoutSeconds. */
    public enum TimeoutPolicy { RETRY, TIME_OUT_WF, ALERT_ONLY }

    /** How the delay before a retry grows. */
    public enum RetryLogic { FIXED, EXPONENTIAL_BACKOFF, LINEAR_BACKOFF }

    public int retryCountOrDefault() {
        return retryCount == null ? 3 : retryCount;
    }

    public long timeoutSecondsOrZero() {
        return timeoutSeconds == null ? 0 : timeoutSeconds;
    }

    public TimeoutPolicy timeoutPolicyOrDefault() {
        return timeoutPolicy == null ? TimeoutPolicy.TIME_OUT_WF : timeoutPolicy;
    }

    public RetryLogic retryLogicOrDefault() {
        return retryLogic == null ? RetryLogic.FIXED : retryLogic;
    }

    public int retryDelaySecondsOrDefault() {
        return retryDelaySeconds == null ? 60 : retryDelaySeconds;
    }

    public long responseTimeoutSecondsOrDefault() {
        return responseTimeoutSeconds == null ? 3600 : responseTimeoutSeconds;
    }

    public long pollTimeoutSecondsOrZero() {
        return pollTimeoutSeconds == null ? 0 : pollTimeoutSeconds;
    }

    public int backoffScaleFactorOrDefault() {
        return backoffScaleFactor == null ? 1 : backoffScaleFactor;
    }

    /** The same definition with server-maintained audit fields set. */
    public TaskDef withAudit(Long created, Long updated) {
        return new TaskDef(name, description, retryCount, timeoutSeconds, inputKeys, outputKeys, timeoutPolicy,
                retryLogic, retryDelaySeconds, responseTimeoutSeconds, concurrentExecLimit, inputTemplate,
                rateLimitPerFrequency, rateLimitFrequencyInSeconds, isolationGroupId, executionNameSpace, ownerApp,
                ownerEmail, pollTimeoutSeconds, backoffScaleFactor, created, updated, createdBy, updatedBy);
    }

    /** A minimal definition with defaults, for tasks used without registration (system tasks). */
    public static TaskDef named(String name) {
        return new TaskDef(name, null, 0, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }
}
