package dev.baton.console.pages;

import static dev.baton.console.api.ApiClient.encode;

import dev.baton.console.api.ApiClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Status listeners: the tenant's listeners one may read, and one listener's deliveries with its dead letters. */
@Controller
public class ListenerPages {

    private static final Set<String> STATUSES = Set.of("PENDING", "DELIVERED", "DEAD");

    private final ApiClient api;

    public ListenerPages(ApiClient api) {
        this.api = api;
    }

    @GetMapping("/console/listeners")
    String listeners(Model model) {
        model.addAttribute("listeners", WorkflowPages.list(api.get("/api/listeners")));
        return "console/listeners";
    }

    @GetMapping("/console/listeners/{name}")
    String listener(@PathVariable String name, @RequestParam(defaultValue = "DEAD") String status, Model model) {
        String shown = STATUSES.contains(status) ? status : "DEAD";
        model.addAttribute("listener", WorkflowPages.map(api.get("/api/listeners/" + encode(name))));
        List<Map<String, Object>> deliveries = WorkflowPages.list(api.get("/api/listeners/" + encode(name)
                + "/deliveries?status=" + shown + "&limit=100"));
        model.addAttribute("deliveries", deliveries);
        model.addAttribute("status", shown);
        return "console/listener";
    }

    /** Sends one delivery again, or every dead letter of the listener. */
    @PostMapping("/console/listeners/{name}/redeliver")
    String redeliver(@PathVariable String name, @RequestParam(required = false) String deliveryId,
            RedirectAttributes redirect) {
        String base = "/api/listeners/" + encode(name) + "/deliveries/";
        if (deliveryId == null || deliveryId.isBlank()) {
            Map<String, Object> sent = WorkflowPages.map(api.send("POST", base + "redeliver-dead", null));
            redirect.addFlashAttribute("message", "Sending " + sent.get("redelivered") + " dead letters again.");
        } else {
            api.send("POST", base + encode(deliveryId) + "/redeliver", null);
            redirect.addFlashAttribute("message", "Sending delivery " + deliveryId + " again.");
        }
        return "redirect:/console/listeners/" + encode(name);
    }
}
