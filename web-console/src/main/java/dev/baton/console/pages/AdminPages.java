package dev.baton.console.pages;

import static dev.baton.console.api.ApiClient.encode;

import dev.baton.authz.api.Role;
import dev.baton.console.api.ApiClient;
import dev.baton.console.api.ApiProblem;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Administration: teams and their members, users, applications and their keys, identity providers, connections and
 * secrets (names only), the tenant's quotas, and (for platform operators) the tenants.
 */
@Controller
public class AdminPages {

    private static final List<String> ROLES = Arrays.stream(Role.values()).map(Role::name).toList();

    private final ApiClient api;

    public AdminPages(ApiClient api) {
        this.api = api;
    }

    @GetMapping("/console/admin")
    String overview(Model model) {
        model.addAttribute("teams", WorkflowPages.list(api.get("/api/teams")));
        return "console/admin";
    }

    @PostMapping("/console/admin/teams")
    String createTeam(@RequestParam String name, @RequestParam(required = false) String description,
            RedirectAttributes redirect) {
        Map<String, Object> team = new LinkedHashMap<>();
        team.put("name", name);
        team.put("description", description);
        api.send("POST", "/api/teams", team);
        redirect.addFlashAttribute("message", "Team " + name + " created.");
        return "redirect:/console/admin/teams/" + encode(name);
    }

    @GetMapping("/console/admin/teams/{team}")
    String team(@PathVariable String team, Model model) {
        model.addAttribute("team", team);
        model.addAttribute("members", WorkflowPages.list(api.get("/api/teams/" + encode(team) + "/members")));
        model.addAttribute("users", optional(() -> WorkflowPages.list(api.get("/api/users"))));
        model.addAttribute("roles", ROLES);
        return "console/team";
    }

    /** Adds a member or changes their roles. */
    @PostMapping("/console/admin/teams/{team}/members")
    String setMember(@PathVariable String team, @RequestParam String userId,
            @RequestParam(required = false) List<String> roles, RedirectAttributes redirect) {
        api.send("PUT", "/api/teams/" + encode(team) + "/members/" + encode(userId),
                Map.of("roles", roles == null ? List.of() : roles));
        redirect.addFlashAttribute("message", "Member saved.");
        return "redirect:/console/admin/teams/" + encode(team);
    }

    @PostMapping("/console/admin/teams/{team}/members/{userId}/remove")
    String removeMember(@PathVariable String team, @PathVariable String userId, RedirectAttributes redirect) {
        api.send("DELETE", "/api/teams/" + encode(team) + "/members/" + encode(userId), null);
        redirect.addFlashAttribute("message", "Member removed.");
        return "redirect:/console/admin/teams/" + encode(team);
    }

    @GetMapping("/console/admin/users")
    String users(Model model) {
        model.addAttribute("users", WorkflowPages.list(api.get("/api/users")));
        return "console/users";
    }

    @PostMapping("/console/admin/users")
    String createUser(@RequestParam String login, @RequestParam(required = false) String displayName,
            @RequestParam String password, @RequestParam(defaultValue = "false") boolean tenantAdmin,
            RedirectAttributes redirect) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("login", login);
        user.put("displayName", displayName);
        user.put("password", password);
        user.put("tenantAdmin", tenantAdmin);
        api.send("POST", "/api/users", user);
        redirect.addFlashAttribute("message", "User " + login + " created.");
        return "redirect:/console/admin/users";
    }

    @GetMapping("/console/admin/applications")
    String applications(Model model) {
        model.addAttribute("applications", WorkflowPages.list(api.get("/api/applications")));
        model.addAttribute("teams", WorkflowPages.list(api.get("/api/teams")));
        model.addAttribute("roles", ROLES);
        return "console/applications";
    }

    @PostMapping("/console/admin/applications")
    String createApplication(@RequestParam String name, @RequestParam String team,
            @RequestParam(required = false) List<String> roles, RedirectAttributes redirect) {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("name", name);
        app.put("team", team);
        app.put("roles", roles == null ? List.of() : roles);
        Map<String, Object> created = WorkflowPages.map(api.send("POST", "/api/applications", app));
        redirect.addFlashAttribute("message", "Application " + name + " created.");
        return "redirect:/console/admin/applications/" + encode(String.valueOf(created.get("id")));
    }

    @GetMapping("/console/admin/applications/{id}")
    String application(@PathVariable String id, Model model) {
        model.addAttribute("app", WorkflowPages.map(api.get("/api/applications/" + encode(id))));
        model.addAttribute("keys", WorkflowPages.list(api.get("/api/applications/" + encode(id) + "/accessKeys")));
        return "console/application";
    }

    /** A new key: its secret is on this one answer and never again (the page is not cached). */
    @PostMapping("/console/admin/applications/{id}/keys")
    String createKey(@PathVariable String id, Model model, jakarta.servlet.http.HttpServletResponse response) {
        Map<String, Object> key = WorkflowPages.map(api.send("POST", "/api/applications/" + encode(id)
                + "/accessKeys", null));
        response.setHeader("Cache-Control", "no-store");
        model.addAttribute("newKey", key);
        return application(id, model);
    }

    @PostMapping("/console/admin/applications/{id}/keys/{keyId}/revoke")
    String revokeKey(@PathVariable String id, @PathVariable String keyId, RedirectAttributes redirect) {
        api.send("DELETE", "/api/applications/" + encode(id) + "/accessKeys/" + encode(keyId), null);
        redirect.addFlashAttribute("message", "Key " + keyId + " revoked.");
        return "redirect:/console/admin/applications/" + encode(id);
    }

    @GetMapping("/console/admin/identity-providers")
    String identityProviders(Model model) {
        model.addAttribute("providers", WorkflowPages.list(api.get("/api/identity-providers")));
        model.addAttribute("redirectUri", ServletUriComponentsBuilder.fromCurrentContextPath()
                .path("/console/callback/oidc").build().toUriString());
        return "console/identity-providers";
    }

    @PostMapping("/console/admin/identity-providers")
    String registerIdentityProvider(@RequestParam Map<String, String> form, Model model,
            jakarta.servlet.http.HttpServletResponse response, RedirectAttributes redirect) {
        Map<String, Object> provider = new LinkedHashMap<>();
        for (String field : List.of("issuer", "audience", "userClaim", "nameClaim", "groupsClaim", "adminGroup",
                "consoleClientId")) {
            String value = form.get(field);
            provider.put(field, value == null || value.isBlank() ? null : value.trim());
        }
        try {
            String mappings = form.getOrDefault("groupMappings", "").trim();
            provider.put("groupMappings", mappings.isEmpty() ? List.of()
                    : ApiClient.readJson(mappings, "groupMappings"));
            api.send("POST", "/api/identity-providers", provider);
        } catch (ApiProblem problem) {
            response.setStatus(problem.status());
            model.addAttribute("problem", problem);
            return identityProviders(model);
        }
        redirect.addFlashAttribute("message", "Identity provider " + form.get("issuer") + " registered.");
        return "redirect:/console/admin/identity-providers";
    }

    @PostMapping("/console/admin/identity-providers/{id}/remove")
    String removeIdentityProvider(@PathVariable String id, RedirectAttributes redirect) {
        api.send("DELETE", "/api/identity-providers/" + encode(id), null);
        redirect.addFlashAttribute("message", "Identity provider removed.");
        return "redirect:/console/admin/identity-providers";
    }

    @GetMapping("/console/admin/vault")
    String vault(Model model) {
        model.addAttribute("secrets", WorkflowPages.list(api.get("/api/secrets?detail=true")));
        model.addAttribute("connections", WorkflowPages.list(api.get("/api/connections")));
        return "console/vault";
    }

    @GetMapping("/console/admin/tenant")
    String tenant(Model model) {
        model.addAttribute("tenant", WorkflowPages.map(api.get("/api/tenant")));
        return "console/tenant";
    }

    @GetMapping("/console/admin/tenants")
    String tenants(Model model) {
        model.addAttribute("tenants", WorkflowPages.list(api.get("/api/admin/tenants")));
        return "console/tenants";
    }

    /** A list the person may not be allowed to read: empty then, instead of refusing the whole page. */
    private static List<Map<String, Object>> optional(Supplier<List<Map<String, Object>>> read) {
        try {
            return read.get();
        } catch (ApiProblem refused) {
            if (refused.status() == 403) {
                return List.of();
            }
            throw refused;
        }
    }
}
