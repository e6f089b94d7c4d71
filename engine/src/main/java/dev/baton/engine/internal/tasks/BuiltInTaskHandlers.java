package dev.baton.engine.internal.tasks;

import dev.baton.engine.internal.messages.WorkflowMessages;
import dev.baton.engine.internal.script.JqEvaluator;
import dev.baton.engine.internal.script.ScriptEvaluator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The task types the engine brings: control flow, scripts, waits and workflows that start workflows. */
@Configuration(proxyBeanMethods = false)
public class BuiltInTaskHandlers {

    @Bean
    PullWorkflowMessagesHandler pullWorkflowMessagesHandler(WorkflowMessages messages) {
        return new PullWorkflowMessagesHandler(messages);
    }

    @Bean
    SwitchHandler switchHandler(ScriptEvaluator scripts) {
        return new SwitchHandler(scripts);
    }

    @Bean
    ForkJoinHandler forkJoinHandler() {
        return new ForkJoinHandler();
    }

    @Bean
    DynamicForkHandler dynamicForkHandler() {
        return new DynamicForkHandler();
    }

    @Bean
    JoinHandler joinHandler() {
        return new JoinHandler();
    }

    @Bean
    ExclusiveJoinHandler exclusiveJoinHandler() {
        return new ExclusiveJoinHandler();
    }

    @Bean
    DoWhileHandler doWhileHandler(ScriptEvaluator scripts) {
        return new DoWhileHandler(scripts);
    }

    @Bean
    DynamicHandler dynamicHandler() {
        return new DynamicHandler();
    }

    @Bean
    SubWorkflowHandler subWorkflowHandler() {
        return new SubWorkflowHandler();
    }

    @Bean
    StartWorkflowHandler startWorkflowHandler() {
        return new StartWorkflowHandler();
    }

    @Bean
    WaitHandler waitHandler() {
        return new WaitHandler();
    }

    @Bean
    TerminateHandler terminateHandler() {
        return new TerminateHandler();
    }

    @Bean
    SetVariableHandler setVariableHandler() {
        return new SetVariableHandler();
    }

    @Bean
    InlineHandler inlineHandler(ScriptEvaluator scripts) {
        return new InlineHandler(scripts);
    }

    @Bean
    LambdaHandler lambdaHandler(ScriptEvaluator scripts) {
        return new LambdaHandler(scripts);
    }

    @Bean
    JsonJqTransformHandler jsonJqTransformHandler(JqEvaluator jq) {
        return new JsonJqTransformHandler(jq);
    }

    @Bean
    NoopHandler noopHandler() {
        return new NoopHandler();
    }
}
