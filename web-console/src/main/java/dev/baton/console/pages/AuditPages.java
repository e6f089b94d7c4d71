package dev.baton.console.pages;

import dev.baton.console.api.ApiClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The tenant's audit trail: filtered, exported as JSON lines, and its hash chain verified. */
@Controller
public class AuditPages {

    private final ApiClient api;

    public AuditPages(ApiClient api) {
        this.api = api;
    }

    @GetMapping("/console/audit")
    String trail(@RequestParam Map<String, String> params, Model model) {
        Map<String, String> filters = filters(params);
        String limit = params.getOrDefault("limit", "100");
        model.addAttribute("entries", WorkflowPages.list(api.get("/api/audit?" + ApiClient.query(filters)
                + "&limit=" + ApiClient.encode(limit))));
        model.addAttribute("filters", filters);
        model.addAttribute("filterQuery", ApiClient.query(filters));
        if (params.containsKey("verify")) {
            model.addAttribute("verification", WorkflowPages.map(api.get("/api/audit/verify")));
        }
        return "console/audit";
    }

    @GetMapping("/console/audit/export")
    ResponseEntity<byte[]> export(@RequestParam Map<String, String> params) {
        String lines = api.text("/api/audit/export?" + ApiClient.query(filters(params)));
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("audit.jsonl").build().toString())
                .contentType(MediaType.parseMediaType("application/x-ndjson"))
                .body(lines.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> filters(Map<String, String> params) {
        Map<String, String> filters = new LinkedHashMap<>();
        for (String f : new String[] {"from", "to", "actor", "action", "resource"}) {
            filters.put(f, params.get(f));
        }
        return filters;
    }
}
