package dev.baton.platform.web;

import dev.baton.authz.api.Caller;
import dev.baton.authz.api.Role;
import dev.baton.catalog.BrowseQuery;
import dev.baton.catalog.Catalog;
import dev.baton.catalog.CatalogEntry;
import dev.baton.catalog.Composer;
import dev.baton.catalog.Composition;
import dev.baton.catalog.EntrySummary;
import dev.baton.catalog.NewEntry;
import dev.baton.catalog.NewVersion;
import dev.baton.catalog.Use;
import dev.baton.catalog.VersionStatus;
import dev.baton.catalog.VersionUsage;
import dev.baton.catalog.Visibility;
import dev.baton.engine.api.EngineException;
import dev.baton.engine.api.definition.WorkflowDef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The task catalog: browse and search what the caller's teams may see, and, for the owning team's authors, create
 * entries, add and publish versions, and deprecate them. Usage and impact show what a change would touch.
 */
@RestController
@RequestMapping("/api/catalog")
public class CatalogResource {

    private final Catalog catalog;
    private final Composer composer;
    private final CurrentTenant tenant;
    private final Guard guard;

    public CatalogResource(Catalog catalog, Composer composer, CurrentTenant tenant, Guard guard) {
        this.catalog = catalog;
        this.composer = composer;
        this.tenant = tenant;
        this.guard = guard;
    }

    /** Turns a selection of entries (sequence, parallel branches, switches) into a validated definition. */
    @PostMapping("/compose")
    WorkflowDef compose(@RequestBody Composition composition) {
        guard.requireAuthor();
        return composer.compose(tenant.get(), composition, visibleTeams());
    }

    @GetMapping
    List<EntrySummary> browse(@RequestParam(required = false) String q,
            @RequestParam(required = false) String category, @RequestParam(required = false) String tag,
            @RequestParam(required = false) String owner, @RequestParam(required = false) VersionStatus status,
            @RequestParam(defaultValue = "RELEVANCE") BrowseQuery.Sort sort,
            @RequestParam(defaultValue = "50") int limit) {
        if (q != null && q.length() > 200) {
            throw EngineException.invalid("q", "must be at most 200 characters");
        }
        return catalog.browse(tenant.get(), new BrowseQuery(q, category, tag, owner, status, sort, limit),
                visibleTeams());
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    CatalogEntry create(@RequestBody NewEntry entry, @RequestParam(required = false) String team) {
        requireBody(entry);
        String owner = guard.owningTeamForNew(team);
        return catalog.create(tenant.get(), entry, owner, tenant.caller().subject());
    }

    @GetMapping("/{name}")
    CatalogEntry entry(@PathVariable String name) {
        CatalogEntry entry = catalog.entry(tenant.get(), name, null)
                .orElseThrow(() -> EngineException.notFound("no catalog entry named '" + name + "'"));
        Set<String> teams = visibleTeams();
        if (entry.visibility() == Visibility.TEAM && teams != null && !teams.contains(entry.ownerTeam())) {
            throw new AccessDeniedException("missing permission: read catalog entry '" + name + "' (it is for team '"
                    + entry.ownerTeam() + "' only)");
        }
        return entry;
    }

    @PutMapping("/{name}")
    CatalogEntry describe(@PathVariable String name, @RequestBody NewEntry entry) {
        requireBody(entry);
        requireOwnerAuthor(name);
        return catalog.describe(tenant.get(), name, entry);
    }

    @PostMapping("/{name}/versions")
    @ResponseStatus(HttpStatus.CREATED)
    CatalogEntry addVersion(@PathVariable String name, @RequestBody NewVersion version) {
        requireBody(version);
        requireOwnerAuthor(name);
        return catalog.addVersion(tenant.get(), name, version, tenant.caller().subject());
    }

    @PutMapping("/{name}/versions/{version}")
    CatalogEntry updateDraft(@PathVariable String name, @PathVariable String version,
            @RequestBody NewVersion draft) {
        requireBody(draft);
        requireOwnerAuthor(name);
        return catalog.updateDraft(tenant.get(), name, version, draft);
    }

    @PostMapping("/{name}/versions/{version}/publish")
    CatalogEntry publish(@PathVariable String name, @PathVariable String version) {
        requireOwnerAuthor(name);
        return catalog.publish(tenant.get(), name, version);
    }

    @PostMapping("/{name}/versions/{version}/deprecate")
    CatalogEntry deprecate(@PathVariable String name, @PathVariable String version,
            @RequestBody(required = false) Map<String, String> body) {
        requireOwnerAuthor(name);
        return catalog.deprecate(tenant.get(), name, version, body == null ? null : body.get("successor"));
    }

    @GetMapping("/{name}/usage")
    List<VersionUsage> usage(@PathVariable String name) {
        entry(name);
        return catalog.usage(tenant.get(), name, null);
    }

    @GetMapping("/{name}/impact")
    List<Use> impact(@PathVariable String name) {
        entry(name);
        return catalog.impact(tenant.get(), name, null);
    }

    /** The teams whose team-only entries the caller sees; null for a tenant administrator, who sees all. */
    private Set<String> visibleTeams() {
        Caller caller = tenant.caller();
        return caller.tenantAdmin() ? null : caller.teams().keySet();
    }

    /** Changing an entry is for authors (or team administrators) of the team that owns it. */
    private void requireOwnerAuthor(String name) {
        CatalogEntry entry = entry(name);
        Caller caller = tenant.caller();
        if (!caller.has(entry.ownerTeam(), Role.AUTHOR) && !caller.has(entry.ownerTeam(), Role.TEAM_ADMIN)) {
            throw new AccessDeniedException("missing permission: change catalog entry '" + name + "' (needs the role "
                    + "AUTHOR or TEAM_ADMIN in team '" + entry.ownerTeam() + "')");
        }
    }

    private static void requireBody(Object body) {
        if (body == null) {
            throw EngineException.invalid("", "a request body is required");
        }
    }
}
