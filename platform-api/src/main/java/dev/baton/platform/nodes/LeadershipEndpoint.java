package dev.baton.platform.nodes;

import dev.baton.engine.api.Leadership;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/** {@code /actuator/leadership}, for platform operators: the jobs this node leads (sweeping timers, schedules). */
@Component
@Endpoint(id = "leadership")
public class LeadershipEndpoint {

    private final Leadership leadership;

    public LeadershipEndpoint(Leadership leadership) {
        this.leadership = leadership;
    }

    @ReadOperation
    public Map<String, List<String>> leading() {
        return Map.of("leads", leadership.leading());
    }
}
