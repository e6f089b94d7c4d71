package dev.baton.ops.peer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Camunda 7 with its REST API under {@code /engine-rest}, on the PostgreSQL the benchmark hands it: the established
 * engine the benchmark runs workload (a) on, with external-task workers, to report our figures as ratios to it.
 * The process it deploys, {@code bench_linear3.bpmn}, is three external tasks in a row, like our linear3 workflow.
 */
@SpringBootApplication
public class CamundaPeer {

    public static void main(String[] args) {
        SpringApplication.run(CamundaPeer.class, args);
    }
}
