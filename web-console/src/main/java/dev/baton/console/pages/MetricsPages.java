package dev.baton.console.pages;

import dev.baton.console.api.ApiClient;
import dev.baton.console.render.HourlyChart;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The tenant's figures: runs per hour, durations per workflow, load per task type, and the outliers. */
@Controller
public class MetricsPages {

    private static final List<Integer> WINDOWS = List.of(6, 24, 72, 168, 720);

    private final ApiClient api;

    public MetricsPages(ApiClient api) {
        this.api = api;
    }

    @GetMapping("/console/metrics")
    String metrics(@RequestParam(defaultValue = "24") int hours, @RequestParam(required = false) String workflowType,
            Model model) {
        int window = WINDOWS.contains(hours) ? hours : 24;
        Instant to = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", to.minus(Duration.ofHours(window)).toString());
        params.put("to", to.toString());
        params.put("workflowType", workflowType);
        Map<String, Object> figures = WorkflowPages.map(api.get("/api/metrics/executions?" + ApiClient.query(params)));
        model.addAttribute("figures", figures);
        model.addAttribute("chart", HourlyChart.of(WorkflowPages.list(figures.get("hourly"))));
        model.addAttribute("hours", window);
        model.addAttribute("windows", WINDOWS);
        model.addAttribute("workflowType", workflowType);
        return "console/metrics";
    }
}
