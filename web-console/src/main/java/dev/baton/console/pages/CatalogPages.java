package dev.baton.console.pages;

import static dev.baton.console.api.ApiClient.encode;

import dev.baton.console.api.ApiClient;
import dev.baton.console.api.JsonObject;
import dev.baton.console.render.Markdown;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/** The task catalog: browse and search, and one entry with its contracts, versions, usage and impact. */
@Controller
public class CatalogPages {

    private final ApiClient api;

    public CatalogPages(ApiClient api) {
        this.api = api;
    }

    @GetMapping("/console/catalog")
    String browse(@RequestParam(required = false) String q, @RequestParam(required = false) String category,
            @RequestParam(required = false) String tag, @RequestParam(required = false) String owner,
            @RequestParam(defaultValue = "RELEVANCE") String sort, Model model) {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("q", q);
        filters.put("category", category);
        filters.put("tag", tag);
        filters.put("owner", owner);
        filters.put("sort", sort);
        filters.put("limit", 100);
        List<Map<String, Object>> entries = WorkflowPages.list(api.get("/api/catalog?" + ApiClient.query(filters)));
        // the facets come from everything the person may see, so a filter never hides its neighbours
        List<Map<String, Object>> all = WorkflowPages.list(api.get("/api/catalog?limit=200&sort=NAME"));
        TreeSet<String> categories = new TreeSet<>();
        TreeSet<String> tags = new TreeSet<>();
        TreeSet<String> owners = new TreeSet<>();
        for (Map<String, Object> e : all) {
            if (e.get("category") instanceof String c) {
                categories.add(c);
            }
            if (e.get("ownerTeam") instanceof String o) {
                owners.add(o);
            }
            if (e.get("tags") instanceof List<?> l) {
                l.forEach(t -> tags.add(String.valueOf(t)));
            }
        }
        model.addAttribute("entries", entries);
        model.addAttribute("categories", categories);
        model.addAttribute("tags", tags);
        model.addAttribute("owners", owners);
        model.addAttribute("filters", filters);
        return "console/catalog";
    }

    @GetMapping("/console/catalog/{name}")
    String entry(@PathVariable String name, Model model) {
        Map<String, Object> entry = WorkflowPages.map(api.get("/api/catalog/" + encode(name)));
        List<Map<String, Object>> versions = WorkflowPages.list(entry.get("versions"));
        model.addAttribute("entry", entry);
        model.addAttribute("documentation", Markdown.html((String) entry.get("description")));
        model.addAttribute("versions", versions.stream().map(v -> {
            Map<String, Object> shown = JsonObject.copyOf(v);
            shown.put("inputJson", ApiClient.pretty(v.get("inputSchema")));
            shown.put("outputJson", ApiClient.pretty(v.get("outputSchema")));
            shown.put("examplesJson", WorkflowPages.list(v.get("examples")).stream().map(ApiClient::pretty).toList());
            return shown;
        }).toList());
        model.addAttribute("usage", WorkflowPages.list(api.get("/api/catalog/" + encode(name) + "/usage")));
        model.addAttribute("impact", WorkflowPages.list(api.get("/api/catalog/" + encode(name) + "/impact")));
        model.addAttribute("useRef", versions.stream().filter(v -> !"DRAFT".equals(v.get("status"))).findFirst()
                .map(v -> name + "@" + String.valueOf(v.get("version")).split("\\.")[0]).orElse(null));
        return "console/catalog-entry";
    }
}
